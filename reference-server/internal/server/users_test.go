package server

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// ENTRA-FLOW-04/05/11, RFC-05, RFC-07: create answers 201 with id, meta and
// Location; GET by id; DELETE 204 then 404 and gone from queries.
func TestUserLifecycle_FLOW04_FLOW05_FLOW11_RFC05_RFC07(t *testing.T) {
	e := newEnv(t)
	body := user("Test_User_00aa@contoso.com", "password", "s3cret!", "misc", nil)
	r := e.do("POST", "/Users", body)
	expect(t, r, http.StatusCreated)
	id := r.str("id")
	meta, _ := r.body["meta"].(map[string]any)
	loc := e.base + "/Users/" + id
	if id == "" || r.header.Get("Location") != loc || meta["location"] != loc || meta["resourceType"] != "User" ||
		meta["created"] == nil || meta["lastModified"] == nil || meta["version"] != r.header.Get("ETag") || r.header.Get("ETag") == "" {
		t.Fatalf("create answer lacks id/meta/Location/ETag: %v %s", r.header, r.raw)
	}
	if strings.Contains(string(r.raw), "s3cret") || r.body["password"] != nil {
		t.Fatalf("password returned: %s", r.raw)
	}
	if r.str("userName") != "Test_User_00aa@contoso.com" || r.str("externalId") != "ext-Test_User_00aa@contoso.com" {
		t.Fatalf("values not stored as sent: %s", r.raw)
	}
	g := e.get("/Users/" + id)
	expect(t, g, http.StatusOK)
	if g.str("id") != id || g.header.Get("ETag") == "" {
		t.Fatalf("get: %s", g.raw)
	}
	d := e.do("DELETE", "/Users/"+id, nil)
	if d.status != http.StatusNoContent || len(d.raw) != 0 {
		t.Fatalf("delete: %d %s", d.status, d.raw)
	}
	expect(t, e.do("GET", "/Users/"+id, nil), http.StatusNotFound)
	expect(t, e.do("DELETE", "/Users/"+id, nil), http.StatusNotFound)
	q := e.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "Test_User_00aa@contoso.com"`), nil)
	expect(t, q, http.StatusOK)
	if q.total() != 0 {
		t.Fatalf("deleted user still found: %s", q.raw)
	}
}

func (e *env) get(path string) resp { return e.do("GET", path, nil) }

// ENTRA-REQ-24, RFC-05: userName is unique case-insensitively; the clash is
// 409 uniqueness, on create, PUT and PATCH alike.
func TestUniqueness_ENTRA_REQ_24_409(t *testing.T) {
	e := newEnv(t)
	e.createUser("alice@contoso.com")
	bob := e.createUser("bob@contoso.com")
	r := e.do("POST", "/Users", user("ALICE@Contoso.com"))
	expect(t, r, http.StatusConflict)
	if r.str("scimType") != "uniqueness" {
		t.Fatalf("scimType %q", r.str("scimType"))
	}
	expect(t, e.do("PUT", "/Users/"+bob, user("Alice@contoso.com")), http.StatusConflict)
	if got := e.get("/Users/" + bob).str("userName"); got != "bob@contoso.com" {
		t.Fatalf("failed PUT changed the user: %s", got)
	}
	e.createGroup("Sales")
	r = e.do("POST", "/Groups", map[string]any{"displayName": "SALES"})
	expect(t, r, http.StatusConflict)
	if r.str("scimType") != "uniqueness" {
		t.Fatalf("group scimType %q", r.str("scimType"))
	}
}

// ENTRA-FLOW-03, ENTRA-REQ-04, ENTRA-REQ-19, ENTRA-HTTP-05: matching
// queries, case-insensitive userName, empty result 200, any encoding.
func TestFilters_FLOW03_REQ04_REQ19(t *testing.T) {
	e := newEnv(t)
	alice := e.createUser("Alice@Contoso.com")
	e.createUser("bob@contoso.com")
	cases := []struct {
		name, query string
		want        []string
	}{
		{"userName different case", `filter=` + url.QueryEscape(`userName eq "alice@contoso.COM"`), []string{alice}},
		{"externalId", `filter=` + url.QueryEscape(`externalId eq "ext-Alice@Contoso.com"`), []string{alice}},
		{"externalId is case-exact", `filter=` + url.QueryEscape(`externalId eq "EXT-alice@contoso.com"`), nil},
		{"work email value path", `filter=` + url.QueryEscape(`emails[type eq "work"].value eq "alice@contoso.com"`), []string{alice}},
		{"id", `filter=` + url.QueryEscape(`id eq "`+alice+`"`), []string{alice}},
		{"unknown userName: 200 empty (REQ-19)", `filter=` + url.QueryEscape(`userName eq "8d1f7e02-2a1d-4c1e-9f0e-1c2b3a4d5e6f"`), nil},
		{"plus for space, raw quotes (HTTP-05)", `filter=userName+eq+"alice@contoso.com"`, []string{alice}},
		{"%20 and %22 (HTTP-05)", `filter=userName%20eq%20%22alice%40contoso.com%22`, []string{alice}},
		{"unknown flag ignored (HTTP-01)", `aadOptscim062020&filter=` + url.QueryEscape(`userName eq "alice@contoso.com"`), []string{alice}},
		{"unquoted value", `filter=externalId+eq+ext-Alice@Contoso.com`, []string{alice}},
		{"operator co", `filter=` + url.QueryEscape(`userName co "contoso"`), []string{alice, "*"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.get("/Users?" + c.query)
			expect(t, r, http.StatusOK)
			if r.body["Resources"] == nil {
				t.Fatalf("Resources must be present, [] when empty: %s", r.raw)
			}
			got := r.resources()
			if len(c.want) == 2 && c.want[1] == "*" {
				if r.total() != 2 {
					t.Fatalf("want 2 results, got %s", r.raw)
				}
				return
			}
			if r.total() != len(c.want) || len(got) != len(c.want) {
				t.Fatalf("want %v, got %s", c.want, r.raw)
			}
			for i, w := range c.want {
				if got[i]["id"] != w {
					t.Fatalf("result %d: %v, want %s", i, got[i]["id"], w)
				}
			}
		})
	}
	bad := e.get("/Users?filter=" + url.QueryEscape(`userName zz "x"`))
	expect(t, bad, http.StatusBadRequest)
	if bad.str("scimType") != "invalidFilter" {
		t.Fatalf("bad filter scimType %q", bad.str("scimType"))
	}
}

// ENTRA-HTTP-05: quotes sent raw on the wire (no client escaping at all).
func TestFilterRawQuotesOnTheWire_HTTP05(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("raw@contoso.com")
	u, _ := url.Parse(e.srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s/Users?filter=userName+eq+\"raw@contoso.com\" HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n",
		TenantPrefix+"acme", u.Host, e.token)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	_, _ = fmt.Fprint(&sb, res.StatusCode)
	buf := make([]byte, 4096)
	n, _ := res.Body.Read(buf)
	if res.StatusCode != 200 || !strings.Contains(string(buf[:n]), id) {
		t.Fatalf("raw quotes: %d %s", res.StatusCode, buf[:n])
	}
}

// ENTRA-FLOW-06: the manager reference check with `and`, attributes=id.
func TestManagerCheck_FLOW06_IdAndManager(t *testing.T) {
	e := newEnv(t)
	boss := e.createUser("boss@contoso.com")
	emp := e.createUser("emp@contoso.com", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
		map[string]any{"manager": map[string]any{"value": boss}, "department": "Sales"})
	q := func(mgr string) resp {
		return e.get("/Users?filter=" + url.QueryEscape(fmt.Sprintf(`id eq "%s" and manager eq "%s"`, emp, mgr)) + "&attributes=id")
	}
	r := q(boss)
	expect(t, r, http.StatusOK)
	if r.total() != 1 || r.resources()[0]["id"] != emp || r.resources()[0]["userName"] != nil {
		t.Fatalf("manager matches: want only id of %s, got %s", emp, r.raw)
	}
	if r := q("someone-else"); r.total() != 0 {
		t.Fatalf("wrong manager must give 0 results: %s", r.raw)
	}
	// The manager is always returned in complex form (ENTRA-REQ-21).
	g := e.get("/Users/" + emp)
	ent, _ := g.body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
	if m, _ := ent["manager"].(map[string]any); m == nil || m["value"] != boss {
		t.Fatalf("manager not in complex form: %s", g.raw)
	}
}

// ENTRA-FLOW-21, RFC-04: startIndex=N&count=5 pages in creation order;
// startIndex is echoed; count=0 gives only totalResults.
func TestPagination_FLOW21(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 12 {
		ids = append(ids, e.createUser(fmt.Sprintf("page%02d@contoso.com", i)))
	}
	for page := 0; page < 3; page++ {
		start := page*5 + 1
		r := e.get(fmt.Sprintf("/Users?startIndex=%d&count=5", start))
		expect(t, r, http.StatusOK)
		want := ids[start-1 : min(start-1+5, len(ids))]
		got := r.resources()
		if r.total() != 12 || int(r.body["startIndex"].(float64)) != start || int(r.body["itemsPerPage"].(float64)) != len(want) || len(got) != len(want) {
			t.Fatalf("page %d: %s", page, r.raw)
		}
		for i := range want {
			if got[i]["id"] != want[i] {
				t.Fatalf("page %d item %d: %v want %s", page, i, got[i]["id"], want[i])
			}
		}
	}
	// The same pages through a filter (paging after matching).
	r := e.get("/Users?filter=" + url.QueryEscape(`userName sw "page"`) + "&startIndex=11&count=5")
	if r.total() != 12 || len(r.resources()) != 2 || r.resources()[0]["id"] != ids[10] {
		t.Fatalf("filtered page: %s", r.raw)
	}
	r = e.get("/Users?count=0")
	if r.total() != 12 || len(r.resources()) != 0 {
		t.Fatalf("count=0: %s", r.raw)
	}
	r = e.get("/Users?startIndex=-3&count=-1")
	expect(t, r, http.StatusOK)
	if r.total() != 12 || len(r.resources()) != 0 || int(r.body["startIndex"].(float64)) != 1 {
		t.Fatalf("negative values clamp: %s", r.raw)
	}
	expect(t, e.get("/Users?count=abc"), http.StatusBadRequest)
}

// RFC-05/RFC 7644 §3.5.1: PUT replaces the resource; If-Match mismatch is
// 412 and changes nothing; If-None-Match gives 304 (RFC-08).
func TestPutAndETags_RFC08(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("put@contoso.com", "title", "Engineer", "nickName", "P")
	etag := e.get("/Users/" + id).header.Get("ETag")
	repl := user("put@contoso.com", "title", "Manager")
	r := e.do("PUT", "/Users/"+id, repl, "If-Match", `W/"999"`)
	expect(t, r, http.StatusPreconditionFailed)
	if got := e.get("/Users/" + id); got.str("title") != "Engineer" {
		t.Fatalf("412 changed the user: %s", got.raw)
	}
	r = e.do("PUT", "/Users/"+id, repl, "If-Match", etag)
	expect(t, r, http.StatusOK)
	if r.str("title") != "Manager" || r.body["nickName"] != nil || r.str("id") != id || r.header.Get("ETag") == etag {
		t.Fatalf("PUT must replace (nickName gone) and bump the version: %s", r.raw)
	}
	created := r.body["meta"].(map[string]any)["created"]
	if created == nil {
		t.Fatal("meta.created missing after PUT")
	}
	nm := e.get("/Users/" + id)
	r = e.do("GET", "/Users/"+id, nil, "If-None-Match", nm.header.Get("ETag"))
	if r.status != http.StatusNotModified || len(r.raw) != 0 {
		t.Fatalf("If-None-Match: %d %s", r.status, r.raw)
	}
	expect(t, e.do("GET", "/Users/"+id, nil, "If-None-Match", etag), http.StatusOK)
	expect(t, e.do("PUT", "/Users/nosuch", repl), http.StatusNotFound)
	expect(t, e.do("DELETE", "/Users/"+id, nil, "If-Match", etag), http.StatusPreconditionFailed)
	if r := e.do("DELETE", "/Users/"+id, nil, "If-Match", "*"); r.status != http.StatusNoContent {
		t.Fatalf("If-Match *: %d", r.status)
	}
}

// RFC 7644 §3.4.3: POST .search at the root and per resource type.
func TestSearch_DotSearch(t *testing.T) {
	e := newEnv(t)
	alice := e.createUser("alice@contoso.com")
	e.createUser("bob@contoso.com")
	sales := e.createGroup("Sales")
	r := e.do("POST", "/Users/.search", map[string]any{
		"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"},
		"filter":  `userName eq "ALICE@contoso.com"`, "attributes": []string{"userName"}})
	expect(t, r, http.StatusOK)
	if r.total() != 1 || r.resources()[0]["id"] != alice || r.resources()[0]["emails"] != nil {
		t.Fatalf("users .search: %s", r.raw)
	}
	r = e.do("POST", "/.search", map[string]any{"filter": `displayName eq "Sales" or userName eq "bob@contoso.com"`, "count": 10})
	expect(t, r, http.StatusOK)
	if r.total() != 2 {
		t.Fatalf("root .search: %s", r.raw)
	}
	if r.resources()[1]["id"] != sales {
		t.Fatalf("root .search lists users then groups: %s", r.raw)
	}
	expect(t, e.do("POST", "/.search", "{not json"), http.StatusBadRequest)
	expect(t, e.do("GET", "/.search", nil), http.StatusMethodNotAllowed)
}

// RFC 7644 §3.12: 413 with a SCIM Error for bodies over MaxBodyBytes.
func TestBodyTooLarge_413(t *testing.T) {
	e := newEnv(t)
	big := `{"userName":"big@contoso.com","title":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	r := e.do("POST", "/Users", big)
	expect(t, r, http.StatusRequestEntityTooLarge)
	if q := e.get("/Users?filter=" + url.QueryEscape(`userName eq "big@contoso.com"`)); q.total() != 0 {
		t.Fatal("an over-long body was stored")
	}
	// Chunked (no Content-Length) is cut off too.
	req, _ := http.NewRequest("POST", e.base+"/Users", strings.NewReader(big))
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+e.token)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked: %d", res.StatusCode)
	}
}

// ENTRA-HTTP-04: application/json bodies are accepted; every answer is
// application/scim+json.
func TestMediaTypes_HTTP04_REQ16(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/Users", user("json@contoso.com"), "Content-Type", "application/json")
	expect(t, r, http.StatusCreated)
	for _, p := range []string{"/Users", "/Groups", "/ServiceProviderConfig", "/ResourceTypes", "/Schemas", "/Nope", "/Users/nope"} {
		if ct := e.get(p).header.Get("Content-Type"); ct != ContentType {
			t.Fatalf("%s: Content-Type %q", p, ct)
		}
	}
}

// No input gives a 500: malformed bodies, paths and parameters answer 4xx
// SCIM errors.
func TestBadInputNever500(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("x@contoso.com")
	cases := []struct {
		method, path string
		body         any
		status       int
	}{
		{"POST", "/Users", "{", 400},
		{"POST", "/Users", "[]", 400},
		{"POST", "/Users", "", 400},
		{"POST", "/Users", `{"userName":42}`, 400},
		{"POST", "/Users", `{"active":true}`, 400},
		{"POST", "/Groups", `{"members":[]}`, 400},
		{"PATCH", "/Users/" + id, "nope", 400},
		{"PATCH", "/Users/" + id, `{"Operations":[]}`, 400},
		{"PUT", "/Users/" + id, `{"userName":null}`, 400},
		{"GET", "/Users?filter=%28%28", nil, 400},
		{"GET", "/Users?filter=" + url.QueryEscape(strings.Repeat("(", 5000)), nil, 400},
		{"GET", "/Users?startIndex=1e9", nil, 400},
		{"DELETE", "/Users", nil, 405},
		{"PUT", "/Groups", nil, 405},
		{"GET", "/Users/a/b", nil, 404},
		{"GET", "", nil, 404},
		{"GET", "/Bulk", nil, 404},
		{"GET", "/Schemas/urn:nope", nil, 404},
		{"GET", "/ResourceTypes/Nope", nil, 404},
		{"POST", "/ServiceProviderConfig", "{}", 405},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			expect(t, e.do(c.method, c.path, c.body), c.status)
		})
	}
}
