package expr

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Value is the result of evaluating an expression: nil (null), string,
// bool, int64, time.Time or []string.
type Value = any

// Getter returns a source attribute's value and whether it is present.
// directory.UserSource and directory.GroupSource satisfy it.
type Getter = func(name string) (any, bool)

// DisplayDateFormat is the .NET format Entra uses when a DateTime becomes
// a string (CDate, Now, DateAdd: "M/d/yyyy h:mm:ss tt", in UTC).
const DisplayDateFormat = "M/d/yyyy h:mm:ss tt"

// ToString converts a value to the string Entra would send: bools as
// "True"/"False" (.NET), integers in decimal, DateTimes in
// DisplayDateFormat, multi-valued attributes joined with ",". The boolean
// result is false for null.
func ToString(v Value) (string, bool) {
	switch t := v.(type) {
	case nil:
		return "", false
	case string:
		return t, true
	case bool:
		if t {
			return "True", true
		}
		return "False", true
	case int64:
		return strconv.FormatInt(t, 10), true
	case int:
		return strconv.Itoa(t), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case time.Time:
		return formatDotNet(t.UTC(), DisplayDateFormat), true
	case []string:
		return strings.Join(t, ","), true
	}
	return fmt.Sprint(v), true
}

func isEmpty(v Value) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []string:
		return len(t) == 0
	}
	return false
}

func toInt(v Value) (int64, error) {
	switch t := v.(type) {
	case int64:
		return t, nil
	case int:
		return int64(t), nil
	case float64:
		return int64(t), nil
	case string:
		s := strings.TrimSpace(t)
		if strings.HasPrefix(s, "&H") || strings.HasPrefix(s, "&h") {
			return strconv.ParseInt(s[2:], 16, 64)
		}
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an integer", t)
		}
		return i, nil
	case nil:
		return 0, fmt.Errorf("value is null")
	}
	return 0, fmt.Errorf("%v (%T) is not an integer", v, v)
}

func toBool(v Value) bool {
	switch t := v.(type) {
	case bool:
		return t
	case int64:
		return t != 0
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(t)); err == nil {
			return b
		}
		if i, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64); err == nil {
			return i != 0
		}
	}
	return false
}

func toList(v Value) []string {
	switch t := v.(type) {
	case nil:
		return nil
	case []string:
		return t
	}
	s, _ := ToString(v)
	return []string{s}
}
