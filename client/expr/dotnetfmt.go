package expr

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file implements the subset of .NET custom date and time format
// strings that FormatDateTime needs (invariant culture): y M d H h m s f F
// t z K, ':' and '/' separators, 'quoted' and "quoted" literals, \x
// escapes and the % single-specifier prefix. Other characters are
// literals, as in .NET (so "Z" in "yyyyMMddHHmmss.fZ" is a literal Z).

type fmtToken struct {
	spec  rune // 0 for a literal
	count int
	lit   string
}

func tokenizeDotNet(f string) ([]fmtToken, error) {
	var toks []fmtToken
	rs := []rune(f)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case strings.ContainsRune("yMdHhmsfFtzKg", r):
			j := i
			for j < len(rs) && rs[j] == r {
				j++
			}
			toks = append(toks, fmtToken{spec: r, count: j - i})
			i = j
		case r == '\'' || r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != r {
				j++
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated quoted literal in format %q", f)
			}
			toks = append(toks, fmtToken{lit: string(rs[i+1 : j])})
			i = j + 1
		case r == '\\':
			if i+1 >= len(rs) {
				return nil, fmt.Errorf("format %q ends with a backslash", f)
			}
			toks = append(toks, fmtToken{lit: string(rs[i+1])})
			i += 2
		case r == '%':
			i++
		default:
			toks = append(toks, fmtToken{lit: string(r)})
			i++
		}
	}
	return toks, nil
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// formatDotNet formats t with a .NET custom format string. An invalid
// format yields the format itself, like an unknown specifier in .NET.
func formatDotNet(t time.Time, f string) string {
	toks, err := tokenizeDotNet(f)
	if err != nil {
		return f
	}
	var b strings.Builder
	for _, tk := range toks {
		if tk.spec == 0 {
			b.WriteString(tk.lit)
			continue
		}
		n := tk.count
		switch tk.spec {
		case 'y':
			switch {
			case n == 1:
				b.WriteString(strconv.Itoa(t.Year() % 100))
			case n == 2:
				b.WriteString(pad(t.Year()%100, 2))
			default:
				b.WriteString(pad(t.Year(), n))
			}
		case 'M':
			switch {
			case n <= 2:
				b.WriteString(pad(int(t.Month()), n))
			case n == 3:
				b.WriteString(t.Month().String()[:3])
			default:
				b.WriteString(t.Month().String())
			}
		case 'd':
			switch {
			case n <= 2:
				b.WriteString(pad(t.Day(), n))
			case n == 3:
				b.WriteString(t.Weekday().String()[:3])
			default:
				b.WriteString(t.Weekday().String())
			}
		case 'H':
			b.WriteString(pad(t.Hour(), min(n, 2)))
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(pad(h, min(n, 2)))
		case 'm':
			b.WriteString(pad(t.Minute(), min(n, 2)))
		case 's':
			b.WriteString(pad(t.Second(), min(n, 2)))
		case 'f', 'F':
			digits := pad(t.Nanosecond(), 9)[:min(n, 7)]
			if tk.spec == 'F' {
				digits = strings.TrimRight(digits, "0")
			}
			b.WriteString(digits)
		case 't':
			ampm := "AM"
			if t.Hour() >= 12 {
				ampm = "PM"
			}
			b.WriteString(ampm[:min(n, 2)])
		case 'z':
			_, off := t.Zone()
			sign := "+"
			if off < 0 {
				sign, off = "-", -off
			}
			switch n {
			case 1:
				b.WriteString(sign + strconv.Itoa(off/3600))
			case 2:
				b.WriteString(sign + pad(off/3600, 2))
			default:
				b.WriteString(sign + pad(off/3600, 2) + ":" + pad(off%3600/60, 2))
			}
		case 'K':
			if _, off := t.Zone(); off == 0 {
				b.WriteString("Z")
			} else {
				b.WriteString(t.Format("-07:00"))
			}
		case 'g':
			b.WriteString("A.D.")
		}
	}
	return b.String()
}

// parseDotNet parses s with a .NET custom format string. Leading and
// trailing white space is allowed (DateTimeStyles.AllowLeadingWhite and
// AllowTrailingWhite, Entra's default). Without an offset in the input the
// time is taken as UTC (RoundtripKind of an unspecified time).
func parseDotNet(s, f string) (time.Time, error) {
	toks, err := tokenizeDotNet(f)
	if err != nil {
		return time.Time{}, err
	}
	in := strings.TrimSpace(s)
	year, month, day, hour, minute, sec, nsec := 1, 1, 1, 0, 0, 0, 0
	pm, hasAMPM, hour12 := false, false, false
	loc := time.UTC
	i := 0
	fail := func(what string) error {
		return fmt.Errorf("cannot parse %q with format %q: %s at position %d", s, f, what, i+1)
	}
	digits := func(minN, maxN int) (int, error) {
		j := i
		for j < len(in) && j-i < maxN && in[j] >= '0' && in[j] <= '9' {
			j++
		}
		if j-i < minN {
			return 0, fail(fmt.Sprintf("expected %d digit(s)", minN))
		}
		v, _ := strconv.Atoi(in[i:j])
		i = j
		return v, nil
	}
	width := func(n int) (int, int) {
		if n == 1 {
			return 1, 2
		}
		return n, n
	}
	for _, tk := range toks {
		if tk.spec == 0 {
			if !strings.HasPrefix(in[i:], tk.lit) {
				return time.Time{}, fail(fmt.Sprintf("expected %q", tk.lit))
			}
			i += len(tk.lit)
			continue
		}
		n := tk.count
		var v int
		var err error
		switch tk.spec {
		case 'y':
			switch {
			case n <= 2:
				v, err = digits(width(n))
				if err == nil {
					// .NET's two-digit year window (TwoDigitYearMax 2049).
					if v < 50 {
						v += 2000
					} else {
						v += 1900
					}
				}
			default:
				v, err = digits(n, max(n, 4))
			}
			year = v
		case 'M':
			if n >= 3 {
				found := false
				for m := time.January; m <= time.December; m++ {
					name := m.String()
					if n == 3 {
						name = name[:3]
					}
					if len(in)-i >= len(name) && strings.EqualFold(in[i:i+len(name)], name) {
						month, i, found = int(m), i+len(name), true
						break
					}
				}
				if !found {
					return time.Time{}, fail("expected a month name")
				}
				continue
			}
			month, err = digits(width(n))
		case 'd':
			if n >= 3 {
				found := false
				for wd := time.Sunday; wd <= time.Saturday; wd++ {
					name := wd.String()
					if n == 3 {
						name = name[:3]
					}
					if len(in)-i >= len(name) && strings.EqualFold(in[i:i+len(name)], name) {
						i, found = i+len(name), true
						break
					}
				}
				if !found {
					return time.Time{}, fail("expected a weekday name")
				}
				continue
			}
			day, err = digits(width(n))
		case 'H':
			hour, err = digits(width(min(n, 2)))
		case 'h':
			hour, err = digits(width(min(n, 2)))
			hour12 = true
		case 'm':
			minute, err = digits(width(min(n, 2)))
		case 's':
			sec, err = digits(width(min(n, 2)))
		case 'f', 'F':
			j := i
			for j < len(in) && j-i < n && in[j] >= '0' && in[j] <= '9' {
				j++
			}
			if tk.spec == 'f' && j-i < n {
				return time.Time{}, fail(fmt.Sprintf("expected %d fraction digit(s)", n))
			}
			frac := in[i:j] + strings.Repeat("0", 9-(j-i))
			nsec, _ = strconv.Atoi(frac[:9])
			i = j
		case 't':
			rest := strings.ToUpper(in[i:])
			switch {
			case n >= 2 && (strings.HasPrefix(rest, "AM") || strings.HasPrefix(rest, "PM")):
				pm, i = rest[0] == 'P', i+2
			case n == 1 && (strings.HasPrefix(rest, "A") || strings.HasPrefix(rest, "P")):
				pm, i = rest[0] == 'P', i+1
			default:
				return time.Time{}, fail("expected AM or PM")
			}
			hasAMPM = true
		case 'z', 'K':
			if tk.spec == 'K' && strings.HasPrefix(in[i:], "Z") {
				i++
				continue
			}
			if i >= len(in) || (in[i] != '+' && in[i] != '-') {
				if tk.spec == 'K' {
					continue // K accepts a missing offset
				}
				return time.Time{}, fail("expected a time zone offset")
			}
			sign := 1
			if in[i] == '-' {
				sign = -1
			}
			i++
			oh, err := digits(1, 2)
			if err != nil {
				return time.Time{}, err
			}
			om := 0
			if n >= 3 || tk.spec == 'K' || (i < len(in) && in[i] == ':') {
				if i < len(in) && in[i] == ':' {
					i++
				}
				if om, err = digits(2, 2); err != nil {
					return time.Time{}, err
				}
			}
			loc = time.FixedZone("", sign*(oh*3600+om*60))
		case 'g':
			// era designator: accept and ignore "A.D."/"AD"
			for _, e := range []string{"A.D.", "AD"} {
				if strings.HasPrefix(in[i:], e) {
					i += len(e)
					break
				}
			}
		}
		if err != nil {
			return time.Time{}, err
		}
	}
	if i != len(in) {
		return time.Time{}, fail("unexpected trailing text")
	}
	if hour12 || hasAMPM {
		if hour > 12 || (hour12 && hour == 0) {
			return time.Time{}, fail("hour out of range for a 12-hour clock")
		}
		if hour == 12 {
			hour = 0
		}
		if pm {
			hour += 12
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if t.Day() != day || int(t.Month()) != month || t.Hour() != hour || t.Minute() != minute || t.Second() != sec {
		return time.Time{}, fmt.Errorf("cannot parse %q with format %q: date or time out of range", s, f)
	}
	return t, nil
}

// cdateLayouts are the date/time shapes CDate understands, in Go layout
// form: ISO 8601 variants Microsoft's examples use ("2020-03-16-07:00",
// "2009-06-15T01:45:30-07:00", "2021-08-24") and Entra's own display
// format ("8/25/2021 5:41:18 PM").
var cdateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02Z07:00",
	"2006-01-02",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 15:04:05",
	"1/2/2006",
}

// parseDate parses a date string the way CDate does; the result is UTC.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range cdateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a recognised date/time", s)
}
