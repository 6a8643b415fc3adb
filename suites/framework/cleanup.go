package framework

// DeleteLater deletes collection/id ("Users" or "Groups") after the spec,
// even when it fails; a 404 is fine (the spec may have deleted it). Specs
// that create resources other than through Create or Send (e.g. the
// provisioning engine in cycle specs) register what they made here.
func (f *Framework) DeleteLater(collection, id string) {
	if id == "" {
		return
	}
	f.deleteLater(collection, id)
}
