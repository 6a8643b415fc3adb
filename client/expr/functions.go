package expr

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
)

// function describes one built-in: argument count limits (max -1 means
// unbounded), an optional extra arity rule and the implementation.
type function struct {
	min, max int
	even     bool // total argument count must be even (Switch)
	eval     func(ev *evaluator, c *Call, args []Value) (Value, error)
}

func (f function) checkArity(c *Call) error {
	n := len(c.Args)
	switch {
	case n < f.min:
		return &SyntaxError{Pos: c.Pos, Msg: fmt.Sprintf("%s needs at least %d argument(s), got %d", c.Name, f.min, n)}
	case f.max >= 0 && n > f.max:
		return &SyntaxError{Pos: c.Pos, Msg: fmt.Sprintf("%s takes at most %d argument(s), got %d", c.Name, f.max, n)}
	case f.even && n%2 != 0:
		return &SyntaxError{Pos: c.Pos, Msg: fmt.Sprintf("%s needs source, default value and key/value pairs (an even number of arguments), got %d", c.Name, n)}
	}
	return nil
}

// Functions returns the names of the supported functions.
func Functions() []string {
	out := make([]string, 0, len(functions))
	for k := range functions {
		out = append(out, k)
	}
	return out
}

var functions map[string]function

func init() {
	functions = map[string]function{
		"Append":                  {2, 2, false, fnAppend},
		"BitAnd":                  {2, 2, false, fnBitAnd},
		"CBool":                   {1, 1, false, func(_ *evaluator, _ *Call, a []Value) (Value, error) { return toBool(a[0]), nil }},
		"CDate":                   {1, 1, false, fnCDate},
		"Coalesce":                {1, -1, false, fnCoalesce},
		"ConvertToBase64":         {1, 1, false, strFn(convertToBase64)},
		"ConvertToUTF8Hex":        {1, 1, false, strFn(func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) })},
		"Count":                   {1, 1, false, func(_ *evaluator, _ *Call, a []Value) (Value, error) { return int64(len(toList(a[0]))), nil }},
		"CStr":                    {1, 1, false, fnCStr},
		"DateAdd":                 {3, 3, false, fnDateAdd},
		"DateDiff":                {3, 3, false, fnDateDiff},
		"DateFromNum":             {1, 1, false, fnDateFromNum},
		"FormatDateTime":          {4, 4, false, fnFormatDateTime},
		"Guid":                    {0, 0, false, func(ev *evaluator, _ *Call, _ []Value) (Value, error) { return ev.guid(), nil }},
		"IgnoreFlowIfNullOrEmpty": {1, 1, false, fnIgnoreFlow},
		"IIF":                     {3, 3, false, fnIIF},
		"InStr":                   {2, 4, false, fnInStr},
		"IsNull":                  {1, 1, false, func(_ *evaluator, _ *Call, a []Value) (Value, error) { return a[0] == nil, nil }},
		"IsNullOrEmpty":           {1, 1, false, func(_ *evaluator, _ *Call, a []Value) (Value, error) { return isEmpty(a[0]), nil }},
		"IsPresent":               {1, 1, false, func(_ *evaluator, _ *Call, a []Value) (Value, error) { return !isEmpty(a[0]), nil }},
		"IsString":                {1, 1, false, func(_ *evaluator, _ *Call, a []Value) (Value, error) { _, ok := a[0].(string); return ok, nil }},
		"Item":                    {2, 2, false, fnItem},
		"Join":                    {2, -1, false, fnJoin},
		"Left":                    {2, 2, false, fnLeft},
		"Mid":                     {3, 3, false, fnMid},
		"NormalizeDiacritics":     {1, 1, false, strFn(normalizeDiacritics)},
		"Not":                     {1, 1, false, fnNot},
		"Now":                     {0, 0, false, func(ev *evaluator, _ *Call, _ []Value) (Value, error) { return ev.now(), nil }},
		"NumFromDate":             {1, 1, false, fnNumFromDate},
		"PCase":                   {1, 2, false, fnPCase},
		"Redact":                  {1, 1, false, func(_ *evaluator, _ *Call, a []Value) (Value, error) { return a[0], nil }},
		"RemoveDuplicates":        {1, 1, false, fnRemoveDuplicates},
		"Replace":                 {7, 7, false, fnReplace},
		"SelectUniqueValue":       {2, -1, false, fnSelectUnique},
		"SingleAppRoleAssignment": {1, 1, false, fnSingleAppRole},
		"Split":                   {2, 2, false, fnSplit},
		"StripSpaces":             {1, 1, false, strFn(func(s string) string { return strings.ReplaceAll(s, " ", "") })},
		"Switch":                  {2, -1, true, fnSwitch},
		"ToLower":                 {1, 2, false, fnCase(strings.ToLower)},
		"ToUpper":                 {1, 2, false, fnCase(strings.ToUpper)},
		"Trim":                    {1, 1, false, strFn(func(s string) string { return strings.Trim(s, " ") })},
		"Word":                    {3, 3, false, fnWord},
	}
}

// strFn lifts a string transformation: null in, null out.
func strFn(f func(string) string) func(*evaluator, *Call, []Value) (Value, error) {
	return func(_ *evaluator, _ *Call, a []Value) (Value, error) {
		if a[0] == nil {
			return nil, nil
		}
		if l, ok := a[0].([]string); ok {
			out := make([]string, len(l))
			for i, s := range l {
				out[i] = f(s)
			}
			return out, nil
		}
		s, _ := ToString(a[0])
		return f(s), nil
	}
}

// fnCase implements ToLower/ToUpper; the optional culture is accepted and
// ignored (invariant culture; Turkish-style casing is not emulated).
func fnCase(f func(string) string) func(*evaluator, *Call, []Value) (Value, error) {
	g := strFn(f)
	return func(ev *evaluator, c *Call, a []Value) (Value, error) { return g(ev, c, a[:1]) }
}

func str(v Value) string { s, _ := ToString(v); return s }

func fnAppend(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil && a[1] == nil {
		return nil, nil
	}
	return str(a[0]) + str(a[1]), nil
}

func fnBitAnd(_ *evaluator, _ *Call, a []Value) (Value, error) {
	x, err := toInt(a[0])
	if err != nil {
		return nil, fmt.Errorf("value1: %w", err)
	}
	y, err := toInt(a[1])
	if err != nil {
		return nil, fmt.Errorf("value2: %w", err)
	}
	return x & y, nil
}

func toTime(v Value) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case string:
		return parseDate(t)
	case nil:
		return time.Time{}, fmt.Errorf("date is null")
	}
	return time.Time{}, fmt.Errorf("%v (%T) is not a date", v, v)
}

func fnCDate(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	return toTime(a[0])
}

func fnCoalesce(_ *evaluator, _ *Call, a []Value) (Value, error) {
	for _, v := range a {
		if v != nil {
			return v, nil
		}
	}
	return nil, nil
}

// convertToBase64 encodes the UTF-16LE bytes, as .NET's
// Convert.ToBase64String(Encoding.Unicode.GetBytes(s)) does.
func convertToBase64(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func fnCStr(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	return str(a[0]), nil
}

// addInterval adds n units of a VB interval to t.
func addInterval(interval string, n int64, t time.Time) (time.Time, error) {
	switch strings.ToLower(interval) {
	case "yyyy":
		return t.AddDate(int(n), 0, 0), nil
	case "q":
		return t.AddDate(0, 3*int(n), 0), nil
	case "m":
		return t.AddDate(0, int(n), 0), nil
	case "d", "y", "w":
		return t.AddDate(0, 0, int(n)), nil
	case "ww":
		return t.AddDate(0, 0, 7*int(n)), nil
	case "h":
		return t.Add(time.Duration(n) * time.Hour), nil
	case "n":
		return t.Add(time.Duration(n) * time.Minute), nil
	case "s":
		return t.Add(time.Duration(n) * time.Second), nil
	}
	return time.Time{}, fmt.Errorf("unknown interval %q (want yyyy, q, m, d, ww, h, n or s)", interval)
}

func fnDateAdd(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[2] == nil {
		return nil, nil
	}
	n, err := toInt(a[1])
	if err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	t, err := toTime(a[2])
	if err != nil {
		return nil, fmt.Errorf("dateTime: %w", err)
	}
	return addInterval(str(a[0]), n, t)
}

func dayNumber(t time.Time) int64 {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// fnDateDiff counts interval boundaries crossed from date1 to date2, like
// VBA's DateDiff (so "yyyy" between Dec 31 and Jan 1 is 1, and "ww"
// counts Sundays). Dates are compared in UTC.
func fnDateDiff(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[1] == nil || a[2] == nil {
		return nil, nil
	}
	t1, err := toTime(a[1])
	if err != nil {
		return nil, fmt.Errorf("date1: %w", err)
	}
	t2, err := toTime(a[2])
	if err != nil {
		return nil, fmt.Errorf("date2: %w", err)
	}
	switch strings.ToLower(str(a[0])) {
	case "yyyy":
		return int64(t2.Year() - t1.Year()), nil
	case "q":
		return int64((t2.Year()-t1.Year())*4 + (int(t2.Month())-1)/3 - (int(t1.Month())-1)/3), nil
	case "m":
		return int64((t2.Year()-t1.Year())*12 + int(t2.Month()) - int(t1.Month())), nil
	case "d", "y":
		return dayNumber(t2) - dayNumber(t1), nil
	case "ww", "w":
		// 1970-01-04 was a Sunday: shift so weeks start on Sunday.
		w := func(t time.Time) int64 { return floorDiv(dayNumber(t)-3, 7) }
		return w(t2) - w(t1), nil
	case "h":
		return floorDiv(t2.Unix(), 3600) - floorDiv(t1.Unix(), 3600), nil
	case "n":
		return floorDiv(t2.Unix(), 60) - floorDiv(t1.Unix(), 60), nil
	case "s":
		return t2.Unix() - t1.Unix(), nil
	}
	return nil, fmt.Errorf("unknown interval %q (want yyyy, q, m, d, ww, h, n or s)", str(a[0]))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// fileTimeEpoch is 1601-01-01, the origin of Active Directory timestamps
// (100-nanosecond ticks).
var fileTimeEpoch = time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)

const ticksPerSecond = 10_000_000

func fnDateFromNum(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	n, err := toInt(a[0])
	if err != nil {
		return nil, err
	}
	secs, rem := n/ticksPerSecond, n%ticksPerSecond
	// time.Duration cannot span four centuries, so go through Unix time.
	return time.Unix(secs+fileTimeEpoch.Unix(), rem*100).UTC(), nil
}

func fnNumFromDate(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	t, err := toTime(a[0])
	if err != nil {
		return nil, err
	}
	secs := t.Unix() - fileTimeEpoch.Unix()
	return secs*ticksPerSecond + int64(t.Nanosecond()/100), nil
}

// fnFormatDateTime(source, dateTimeStyles, inputFormat, outputFormat).
// dateTimeStyles is accepted and ignored: the default styles (round trip,
// leading and trailing white space allowed) are always used. A DateTime
// source (from CDate or Now) is formatted without parsing.
func fnFormatDateTime(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	var t time.Time
	if tt, ok := a[0].(time.Time); ok {
		t = tt
	} else {
		var err error
		if t, err = parseDotNet(str(a[0]), str(a[2])); err != nil {
			return nil, err
		}
	}
	return formatDotNet(t, str(a[3])), nil
}

func fnIgnoreFlow(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if isEmpty(a[0]) {
		return nil, nil
	}
	return a[0], nil
}

func fnIIF(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if toBool(a[0]) {
		return a[1], nil
	}
	return a[2], nil
}

// fnInStr returns the 1-based position of value2 in value1 from start, or
// 0; compareType vbTextCompare ignores case.
func fnInStr(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil || a[1] == nil {
		return nil, nil
	}
	s, sub := []rune(str(a[0])), str(a[1])
	start := int64(1)
	if len(a) > 2 && a[2] != nil {
		var err error
		if start, err = toInt(a[2]); err != nil || start < 1 {
			return nil, fmt.Errorf("start must be a positive integer")
		}
	}
	if len(a) > 3 && str(a[3]) == "vbTextCompare" {
		s, sub = []rune(strings.ToLower(string(s))), strings.ToLower(sub)
	}
	if int(start) > len(s)+1 {
		return int64(0), nil
	}
	i := strings.Index(string(s[start-1:]), sub)
	if i < 0 {
		return int64(0), nil
	}
	return start + int64(len([]rune(string(s[start-1:])[:i]))), nil
}

func fnItem(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	i, err := toInt(a[1])
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	l := toList(a[0])
	if i < 1 || i > int64(len(l)) {
		return nil, nil
	}
	return l[i-1], nil
}

func fnJoin(_ *evaluator, _ *Call, a []Value) (Value, error) {
	sep := str(a[0])
	var parts []string
	for _, v := range a[1:] {
		for _, s := range toList(v) {
			if s != "" {
				parts = append(parts, s)
			}
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return strings.Join(parts, sep), nil
}

func fnLeft(_ *evaluator, _ *Call, a []Value) (Value, error) {
	n, err := toInt(a[1])
	if err != nil {
		return nil, fmt.Errorf("numChars: %w", err)
	}
	if a[0] == nil {
		return "", nil
	}
	r := []rune(str(a[0]))
	switch {
	case n < 0 || n >= int64(len(r)):
		return string(r), nil
	}
	return string(r[:n]), nil
}

func fnMid(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	start, err := toInt(a[1])
	if err != nil || start < 1 {
		return nil, fmt.Errorf("start must be an integer >= 1")
	}
	length, err := toInt(a[2])
	if err != nil || length < 0 {
		return nil, fmt.Errorf("length must be an integer >= 0")
	}
	r := []rune(str(a[0]))
	if start > int64(len(r)) {
		return "", nil
	}
	end := min(start-1+length, int64(len(r)))
	return string(r[start-1 : end]), nil
}

func fnNot(_ *evaluator, _ *Call, a []Value) (Value, error) {
	return !toBool(a[0]), nil
}

// pcaseDefaultSeparator reports whether r separates words for PCase
// without wordSeparators (the categories .NET's ToTitleCase treats as
// separators: spaces, controls, punctuation and symbols).
func pcaseDefaultSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.Is(unicode.Cf, r)
}

func fnPCase(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	isSep := pcaseDefaultSeparator
	if len(a) > 1 && a[1] != nil {
		seps := str(a[1])
		isSep = func(r rune) bool { return strings.ContainsRune(seps, r) }
	}
	var b strings.Builder
	startOfWord := true
	for _, r := range str(a[0]) {
		switch {
		case isSep(r):
			b.WriteRune(r)
			startOfWord = true
		case startOfWord:
			b.WriteRune(unicode.ToUpper(r))
			startOfWord = false
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String(), nil
}

func fnRemoveDuplicates(_ *evaluator, _ *Call, a []Value) (Value, error) {
	l, ok := a[0].([]string)
	if !ok {
		return a[0], nil
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// fnReplace(source, oldValue, regexPattern, regexGroupName,
// replacementValue, replacementAttributeName, template) follows the five
// documented parameter combinations; an omitted argument is "not
// provided", "" is provided and empty. Patterns use Go's RE2 syntax, which
// accepts .NET's (?<name>...) groups and ${name} references.
func fnReplace(_ *evaluator, _ *Call, a []Value) (Value, error) {
	source, oldValue, pattern, group, repl, replAttr, template := a[0], a[1], a[2], a[3], a[4], a[5], a[6]
	switch {
	case pattern != nil && group != nil && repl == nil && replAttr != nil:
		if !isEmpty(source) {
			return source, nil
		}
		re, err := compileRegex(str(pattern))
		if err != nil {
			return nil, err
		}
		return namedGroup(re, str(group), str(replAttr)), nil
	case oldValue != nil && template != nil:
		if source == nil {
			return nil, nil
		}
		return strings.ReplaceAll(str(template), str(oldValue), str(source)), nil
	case oldValue != nil && repl != nil:
		if source == nil {
			return nil, nil
		}
		if str(oldValue) == "" {
			return source, nil
		}
		return strings.ReplaceAll(str(source), str(oldValue), str(repl)), nil
	case pattern != nil && repl != nil:
		if source == nil {
			return nil, nil
		}
		re, err := compileRegex(str(pattern))
		if err != nil {
			return nil, err
		}
		if group == nil {
			return re.ReplaceAllString(str(source), str(repl)), nil
		}
		return replaceGroup(re, str(group), str(source), str(repl))
	}
	return nil, fmt.Errorf("unsupported parameter combination (give oldValue with replacementValue or template, or regexPattern with replacementValue or regexGroupName)")
}

func compileRegex(p string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("regexPattern: %w", err)
	}
	return re, nil
}

func namedGroup(re *regexp.Regexp, group, s string) Value {
	i := re.SubexpIndex(group)
	m := re.FindStringSubmatch(s)
	if i < 0 || m == nil {
		return nil
	}
	return m[i]
}

// replaceGroup replaces, in every match, the text of the named group.
func replaceGroup(re *regexp.Regexp, group, s, repl string) (Value, error) {
	gi := re.SubexpIndex(group)
	if gi < 0 {
		return nil, fmt.Errorf("regexGroupName %q is not a group of the pattern", group)
	}
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		gs, ge := m[2*gi], m[2*gi+1]
		if gs < 0 || gs < last {
			continue
		}
		b.WriteString(s[last:gs])
		b.WriteString(repl)
		last = ge
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// fnSelectUnique returns the first rule value that Env.IsUnique accepts.
func fnSelectUnique(ev *evaluator, _ *Call, a []Value) (Value, error) {
	var tried []string
	for _, v := range a {
		if isEmpty(v) {
			continue
		}
		s := str(v)
		if ev.unique(s) {
			return s, nil
		}
		tried = append(tried, s)
	}
	return nil, fmt.Errorf("%w: every candidate exists in the target (%s)", ErrNoUniqueValue, strings.Join(tried, ", "))
}

// fnSingleAppRole returns the only app role assignment. Microsoft does not
// support several; we return the first so the outcome is deterministic.
func fnSingleAppRole(_ *evaluator, _ *Call, a []Value) (Value, error) {
	l := toList(a[0])
	if len(l) == 0 {
		return nil, nil
	}
	return l[0], nil
}

// fnSplit splits on the delimiter and trims white space around each item,
// matching Microsoft's documented example ("A, B" -> ["A", "B"]).
func fnSplit(_ *evaluator, _ *Call, a []Value) (Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	d := str(a[1])
	if d == "" {
		return nil, fmt.Errorf("delimiter must not be empty")
	}
	parts := strings.Split(str(a[0]), d)
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts, nil
}

// fnSwitch(source, defaultValue, key1, value1, ...): case-sensitive string
// comparison; a null source compares as "".
func fnSwitch(_ *evaluator, _ *Call, a []Value) (Value, error) {
	src := str(a[0])
	for i := 2; i+1 < len(a); i += 2 {
		if str(a[i]) == src {
			return a[i+1], nil
		}
	}
	return a[1], nil
}

func fnWord(_ *evaluator, _ *Call, a []Value) (Value, error) {
	n, err := toInt(a[1])
	if err != nil {
		return nil, fmt.Errorf("wordNumber: %w", err)
	}
	if a[0] == nil || n < 1 {
		return "", nil
	}
	delims := str(a[2])
	words := strings.FieldsFunc(str(a[0]), func(r rune) bool { return strings.ContainsRune(delims, r) })
	if n > int64(len(words)) {
		return "", nil
	}
	return words[n-1], nil
}
