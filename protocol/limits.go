package protocol

// MaxFilterDepth bounds how deeply parentheses and value-path brackets may
// nest in a filter or path. The parser library's cost grows about
// quadratically with nesting (not exponentially): within MaxFilterLength,
// 4,000 nested "(" took it 0.5 s of CPU and 1,000 nested "not(" 0.3 s,
// against 0.5 ms at depth 32, so hostile filters could tie up the server's
// CPU. Entra nests at most one level (`emails[type eq "work"].value eq
// "x"`), the RFC examples at most three.
const MaxFilterDepth = 32

// checkNesting rejects s when brackets nest deeper than MaxFilterDepth,
// counting "(" and "[" outside quoted strings. It runs before the parser
// so that the parser never sees such input. Unbalanced brackets are left
// for the parser to report.
func checkNesting(s string) (depth int, ok bool) {
	inQuote := false
	cur, maxd := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inQuote {
			switch c {
			case '\\':
				i++ // skip the escaped character
			case '"':
				inQuote = false
			}
			continue
		}
		switch c {
		case '"':
			inQuote = true
		case '(', '[':
			cur++
			if cur > maxd {
				maxd = cur
			}
			if cur > MaxFilterDepth {
				return cur, false
			}
		case ')', ']':
			if cur > 0 {
				cur--
			}
		}
	}
	return maxd, true
}

// checkFilterLimits is the guard ParseFilter and ParsePath apply before
// parsing; scimType is the one their errors carry.
func checkFilterLimits(s, scimType, what string) error {
	if _, ok := checkNesting(s); !ok {
		return Errorf(400, scimType, "%s nests brackets more than %d levels deep", what, MaxFilterDepth)
	}
	return nil
}
