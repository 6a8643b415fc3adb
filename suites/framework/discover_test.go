package framework

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/suites/requirements"
)

func TestDiscover(t *testing.T) {
	for _, tc := range []struct {
		name, types, spc string
		want             []requirements.Feature
	}{
		{"users only, no etag", `{"Resources":[{"name":"User","endpoint":"/Users"}]}`, `{"etag":{"supported":false}}`, []requirements.Feature{requirements.FeatureGroups, requirements.FeatureETag}},
		{"everything", `{"Resources":[{"name":"User","endpoint":"/Users"},{"name":"Group","endpoint":"/Groups"}]}`, `{"etag":{"supported":true}}`, nil},
		{"discovery broken", `not json`, `{}`, nil},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/scim/ResourceTypes":
				_, _ = w.Write([]byte(tc.types))
			case "/scim/ServiceProviderConfig":
				_, _ = w.Write([]byte(tc.spc))
			default:
				http.NotFound(w, r)
			}
		}))
		got := Discover(context.Background(), &Target{TenantURL: srv.URL + "/scim", Token: "t"}, time.Second)
		srv.Close()
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
