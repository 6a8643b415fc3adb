package journal

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
)

// Admin serves GET and DELETE /admin/accounts/{id}/requests; the router has
// authenticated the admin and set the {id} path value.
//
//   - GET ?since=SEQ answers {"requests":[Entry...],"unauthenticated":N}
//     with the kept entries whose seq > SEQ (all kept entries without
//     since), oldest first, and how many requests to the account were not
//     recorded because they carried no live SCIM token of it.
//   - DELETE forgets the account's entries: 204.
func (j *Journal) Admin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		account := r.PathValue("id")
		if account == "" {
			writeJSON(w, http.StatusBadRequest, adminapi.Error{Error: "missing account id in path"})
			return
		}
		switch r.Method {
		case http.MethodGet:
			var since int64
			if s := r.URL.Query().Get("since"); s != "" {
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil || n < 0 {
					writeJSON(w, http.StatusBadRequest, adminapi.Error{
						Error: "since must be a sequence number (0 or more), got " + strconv.Quote(s)})
					return
				}
				since = n
			}
			writeJSON(w, http.StatusOK, adminapi.RequestLog{Requests: j.Since(account, since), Unauthenticated: j.Unauthenticated(account)})
		case http.MethodDelete:
			j.Clear(account)
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Allow", "GET, DELETE")
			writeJSON(w, http.StatusMethodNotAllowed, adminapi.Error{Error: "method " + r.Method + " not allowed"})
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
