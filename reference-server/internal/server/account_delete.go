package server

// accountDeleted drops what the server keeps about an account beyond the
// store once the admin API deleted it (DELETE /admin/accounts/{id}): its
// request journal and its fault plan.
func (s *Server) accountDeleted(account string) {
	s.journal.Forget(account)
	s.faults.Forget(account)
}
