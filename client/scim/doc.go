// Package scim is a SCIM client that speaks the Microsoft Entra
// provisioning service's dialect (spec sections 1-3): one method per Entra
// flow (ENTRA-FLOW-01..22), each sending the request Entra sends, in the
// legacy PATCH dialect by default or the compliant one (aadOptscim062020),
// and reading the answer the way Entra does (package outcome).
//
// Request bodies are built by Builder, which has no network side, so that
// the golden request files under fixtures/requests are produced and checked
// from exactly the code that sends them. README.md in this directory says
// which form each request takes per dialect and which Microsoft page and
// section (or observation) it rests on.
package scim
