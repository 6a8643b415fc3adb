package store

import "strings"

// The mirror keeps documents in a packed form: the JSON text with the
// attribute names and fixed values Entra sends in every user (the schemas
// list, the enterprise extension's URN, "emails":[{"primary":true,…) each
// replaced by one control byte. Compact JSON never holds a raw byte below
// 0x20 (JSON escapes them inside strings; outside them only white space
// may appear), so the packed text reads back exactly; a document that
// does hold one (white space) is kept as it is. A user's document shrinks
// from about 400 to 150 bytes (BenchmarkCachedHeapPerUser); unpacking is
// one pass and one allocation per read, which the read's decoding of the
// document costs several times over anyway.

// docTokens are the replaced texts by control byte; longer ones first
// where one contains another (the packer tries them in this order).
var docTokens = [0x20]string{
	0x01: `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]`,
	0x02: `"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{`,
	0x03: `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]`,
	0x04: `"emails":[{"primary":true,"type":"work","value":`,
	0x05: `"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"]`,
	0x06: `"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]`,
	0x07: `"name":{"familyName":`,
	0x08: `"manager":{"value":`,
	0x0b: `"employeeNumber":`,
	0x0c: `"active":true,`,
	0x0e: `"active":false,`,
	0x0f: `"displayName":`,
	0x10: `"externalId":`,
	0x11: `"formatted":`,
	0x12: `"givenName":`,
	0x13: `"familyName":`,
	0x14: `"department":`,
	0x15: `"userName":`,
	0x16: `"roles":[],`,
	0x17: `"title":`,
	0x18: `"primary":true`,
	0x19: `"type":"work"`,
	0x1a: `"value":`,
	0x1b: `"emails":[{`,
	0x1c: `"phoneNumbers":[{`,
	0x1d: `"addresses":[{`,
	0x1e: `"preferredLanguage":`,
	0x1f: `"userType":`,
}

var docPacker = func() *strings.Replacer {
	var pairs []string
	for b, t := range docTokens {
		if t != "" {
			pairs = append(pairs, t, string(rune(b)))
		}
	}
	return strings.NewReplacer(pairs...)
}()

// packDoc returns the packed form of doc and whether it is packed.
func packDoc(doc []byte) (string, bool) {
	for _, c := range doc {
		if c < 0x20 {
			return string(doc), false
		}
	}
	return docPacker.Replace(string(doc)), true
}

// unpackDoc returns the document packDoc packed, n bytes long: a new
// slice.
func unpackDoc(s string, packed bool, n int) []byte {
	if s == "" {
		return nil
	}
	if !packed {
		return []byte(s)
	}
	out := make([]byte, 0, n)
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= 0x20 {
			j++
		}
		out = append(out, s[i:j]...)
		if j < len(s) {
			out = append(out, docTokens[s[j]]...)
			j++
		}
		i = j
	}
	return out
}
