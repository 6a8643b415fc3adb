// Package elimity is a calibration target: a minimal SCIM 2.0 service
// provider built on github.com/elimity-com/scim the way a vendor would build
// one from that library's README ("Usage" steps 1-4) and examples
// (ExampleNewServer_basePath, the in-memory ResourceHandler the README links
// to). It keeps Users (core User schema plus the enterprise extension) and
// Groups in memory and requires a fixed Bearer token.
//
// It is deliberately not tuned to the conformance suites: what the library
// does not do, this server does not do either.
package elimity

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// BasePath is the path prefix under which Handler serves the SCIM API; the
// tenant URL is http://HOST + BasePath.
const BasePath = "/scim/v2"

// Handler returns an http.Handler serving the SCIM API under BasePath, with
// in-memory resource handlers for /Users and /Groups. Every request must carry
// "Authorization: Bearer <token>"; others get 401. token must not be empty.
func Handler(token string) (http.Handler, error) {
	if token == "" {
		return nil, errors.New("elimity: empty bearer token")
	}

	// README step 1: the service provider configuration.
	config := &scim.ServiceProviderConfig{
		DocumentationURI: optional.NewString("https://example.com/scim"),
		AuthenticationSchemes: []scim.AuthenticationScheme{{
			Type:        scim.AuthenticationTypeOauthBearerToken,
			Name:        "OAuth Bearer Token",
			Description: "Authentication scheme using the OAuth Bearer Token Standard",
			SpecURI:     optional.NewString("https://www.rfc-editor.org/info/rfc6750"),
			Primary:     true,
		}},
		SupportFiltering: true,
		SupportPatch:     true,
	}

	// README step 2: the schemas and extensions (the library ships the RFC 7643
	// ones).
	userSchema := schema.CoreUserSchema()
	enterprise := schema.ExtensionEnterpriseUser()
	groupSchema := schema.CoreGroupSchema()

	// README step 3: one resource type, with its own handler, per endpoint.
	resourceTypes := []scim.ResourceType{
		{
			ID:               optional.NewString("User"),
			Name:             "User",
			Endpoint:         "/Users",
			Description:      optional.NewString("User Account"),
			Schema:           userSchema,
			SchemaExtensions: []scim.SchemaExtension{{Schema: enterprise}},
			Handler:          newStore("User", userSchema, []schema.Schema{enterprise}, "userName"),
		},
		{
			ID:          optional.NewString("Group"),
			Name:        "Group",
			Endpoint:    "/Groups",
			Description: optional.NewString("Group"),
			Schema:      groupSchema,
			Handler:     newStore("Group", groupSchema, nil, ""),
		},
	}

	// README step 4: the server.
	server, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: config,
		ResourceTypes:         resourceTypes,
	})
	if err != nil {
		return nil, fmt.Errorf("elimity: new server: %w", err)
	}

	// ExampleNewServer_basePath: strip the prefix so only /v2/... is left.
	mux := http.NewServeMux()
	mux.Handle("/scim/", http.StripPrefix("/scim", server))
	return bearer(token, mux), nil
}

// bearer rejects requests that do not carry the expected Bearer token.
func bearer(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="scim"`)
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]any{
				"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"},
				"status":  "401",
				"detail":  "missing or invalid bearer token",
			})
			return
		}
		next.ServeHTTP(w, r)
	})
}
