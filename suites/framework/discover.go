package framework

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// Discover reads the target's /ResourceTypes and /ServiceProviderConfig and
// returns the features they say the target lacks: groups when no Group
// resource type is listed, etag when etag.supported is false. An endpoint
// that does not answer discovery is assumed to support everything (the
// discovery specs report that failure themselves).
func Discover(ctx context.Context, t *Target, timeout time.Duration) []requirements.Feature {
	h, err := NewHTTP(t.TenantURL, t.Token, timeout, nil)
	if err != nil {
		return nil
	}
	var unsupported []requirements.Feature
	if x, err := h.Get(ctx, "/ResourceTypes", nil); err == nil && x.Status == http.StatusOK {
		var list struct {
			Resources []struct {
				Name     string `json:"name"`
				Endpoint string `json:"endpoint"`
			} `json:"Resources"`
		}
		if json.Unmarshal(x.Body, &list) == nil && len(list.Resources) > 0 {
			groups := false
			for _, r := range list.Resources {
				if strings.EqualFold(r.Name, "Group") || strings.EqualFold(strings.TrimPrefix(r.Endpoint, "/"), "Groups") {
					groups = true
				}
			}
			if !groups {
				unsupported = append(unsupported, requirements.FeatureGroups)
			}
		}
	}
	if x, err := h.Get(ctx, "/ServiceProviderConfig", nil); err == nil && x.Status == http.StatusOK {
		var spc struct {
			ETag *struct {
				Supported bool `json:"supported"`
			} `json:"etag"`
		}
		if json.Unmarshal(x.Body, &spc) == nil && spc.ETag != nil && !spc.ETag.Supported {
			unsupported = append(unsupported, requirements.FeatureETag)
		}
	}
	return unsupported
}
