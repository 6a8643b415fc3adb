package server

// accountDeleted drops what the server keeps about an account beyond the
// store once the admin API deleted it (DELETE /admin/accounts/{id}): its
// request journal, its fault plan and its decoded documents.
func (s *Server) accountDeleted(account string) {
	s.journal.Forget(account)
	s.faults.Forget(account)
	s.docs.forgetAccount(account)
}

// forgetAccount drops every entry of an account.
func (c *docCache) forgetAccount(account string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if k.account == account {
			delete(c.entries, k)
		}
	}
}
