package expr

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// diacriticSpecials are letters that do not decompose into a base letter
// plus combining marks; their replacements follow Microsoft's
// NormalizeDiacritics table (ø becomes "oe", æ "ae", ß "ss").
var diacriticSpecials = map[rune]string{
	'æ': "ae", 'Æ': "AE", 'ǣ': "ae", 'Ǣ': "AE",
	'ø': "oe", 'Ø': "OE", 'œ': "oe", 'Œ': "OE",
	'ß': "ss", 'ł': "l", 'Ł': "L", 'ı': "i", 'đ': "d", 'Đ': "D",
}

// normalizeDiacritics removes accents: specials are replaced from the
// table, everything else is decomposed (NFD) and its combining marks
// dropped.
func normalizeDiacritics(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if rep, ok := diacriticSpecials[r]; ok {
			b.WriteString(rep)
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
