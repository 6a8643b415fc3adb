package expr_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/expr"
)

type attrs map[string]any

func (a attrs) get(name string) (any, bool) { v, ok := a[name]; return v, ok }

var fixedNow = time.Date(2021, 8, 25, 17, 41, 18, 0, time.UTC)

func testEnv() *expr.Env {
	return &expr.Env{
		Now:     func() time.Time { return fixedNow },
		NewGUID: func() string { return "00aa00aa-bb11-cc22-dd33-44ee44ee44ee" },
	}
}

func eval(t *testing.T, src string, a attrs) expr.Value {
	t.Helper()
	e, err := expr.Parse(src)
	if err != nil {
		t.Fatalf("Parse(%s): %v", src, err)
	}
	v, err := e.Eval(a.get, testEnv())
	if err != nil {
		t.Fatalf("Eval(%s): %v", src, err)
	}
	return v
}

// TestFunctions covers every function, using Microsoft's documented
// examples (S11 "Reference for writing expressions") where there is one.
func TestFunctions(t *testing.T) {
	cases := []struct {
		name string
		src  string
		in   attrs
		want expr.Value
	}{
		// Append
		{"Append doc", `Append([userPrincipalName], ".test")`, attrs{"userPrincipalName": "John.Doe@contoso.com"}, "John.Doe@contoso.com.test"},
		{"Append null source", `Append([x], ".test")`, nil, ".test"},
		{"Append both null", `Append([x], [y])`, nil, nil},
		{"Append alias doc", `Append(Mid([givenName], 1, 3), Mid([surname], 1, 5))`, attrs{"givenName": "John", "surname": "Doe"}, "JohDoe"},
		// BitAnd
		{"BitAnd doc", `BitAnd(&HF, &HF7)`, nil, int64(7)},
		{"BitAnd strings", `BitAnd("12", "10")`, nil, int64(8)},
		// CBool
		{"CBool equal", `CBool([a] = [b])`, attrs{"a": "x", "b": "x"}, true},
		{"CBool differ", `CBool([a] = [b])`, attrs{"a": "x", "b": "y"}, false},
		{"CBool nonzero", `CBool(5)`, nil, true},
		{"CBool zero", `CBool("0")`, nil, false},
		{"CBool null", `CBool([x])`, nil, false},
		// CDate (doc examples, shown in Entra's display format)
		{"CDate doc1", `CStr(CDate([StatusHireDate]))`, attrs{"StatusHireDate": "2020-03-16-07:00"}, "3/16/2020 7:00:00 AM"},
		{"CDate doc2", `CStr(CDate("2021-06-30+08:00"))`, nil, "6/29/2021 4:00:00 PM"},
		{"CDate doc3", `CStr(CDate("2009-06-15T01:45:30-07:00"))`, nil, "6/15/2009 8:45:30 AM"},
		{"CDate null", `CDate([x])`, nil, nil},
		// Coalesce
		{"Coalesce doc", `Coalesce([mail],[userPrincipalName])`, attrs{"userPrincipalName": "John.Doe@contoso.com"}, "John.Doe@contoso.com"},
		{"Coalesce default", `Coalesce([a], [b], "none")`, nil, "none"},
		{"Coalesce all null", `Coalesce([a], [b])`, nil, nil},
		// Convert*
		{"ConvertToBase64 doc", `ConvertToBase64("Hello world!")`, nil, "SABlAGwAbABvACAAdwBvAHIAbABkACEA"},
		{"ConvertToUTF8Hex doc", `ConvertToUTF8Hex("Hello world!")`, nil, "48656C6C6F20776F726C6421"},
		{"ConvertToBase64 null", `ConvertToBase64([x])`, nil, nil},
		// Count
		{"Count multi", `Count([proxyAddresses])`, attrs{"proxyAddresses": []string{"a", "b", "c"}}, int64(3)},
		{"Count null", `Count([x])`, nil, int64(0)},
		// CStr
		{"CStr doc", `CStr([dn])`, attrs{"dn": "cn=Joe,dc=contoso,dc=com"}, "cn=Joe,dc=contoso,dc=com"},
		{"CStr bool", `CStr([b])`, attrs{"b": true}, "True"},
		{"CStr int", `CStr(42)`, nil, "42"},
		// DateAdd (doc table)
		{"DateAdd 7d", `CStr(DateAdd("d", 7, CDate([StatusHireDate])))`, attrs{"StatusHireDate": "2012-03-16-07:00"}, "3/23/2012 7:00:00 AM"},
		{"DateAdd -10d", `CStr(DateAdd("d", -10, CDate([StatusHireDate])))`, attrs{"StatusHireDate": "2012-03-16-07:00"}, "3/6/2012 7:00:00 AM"},
		{"DateAdd 2ww", `CStr(DateAdd("ww", 2, CDate([StatusHireDate])))`, attrs{"StatusHireDate": "2012-03-16-07:00"}, "3/30/2012 7:00:00 AM"},
		{"DateAdd 10m", `CStr(DateAdd("m", 10, CDate([StatusHireDate])))`, attrs{"StatusHireDate": "2012-03-16-07:00"}, "1/16/2013 7:00:00 AM"},
		{"DateAdd 2yyyy", `CStr(DateAdd("yyyy", 2, CDate([StatusHireDate])))`, attrs{"StatusHireDate": "2012-03-16-07:00"}, "3/16/2014 7:00:00 AM"},
		// DateDiff (doc table; Now() is 8/25/2021 5:41:18 PM)
		{"DateDiff d positive", `DateDiff("d", CDate("2021-08-18+08:00"), CDate("2021-08-31+08:00"))`, nil, int64(13)},
		{"DateDiff d negative", `DateDiff("d", Now(), CDate([StatusHireDate]))`, attrs{"StatusHireDate": "2012-03-16-07:00"}, int64(-3449)},
		{"DateDiff ww", `DateDiff("ww", Now(), CDate([StatusHireDate]))`, attrs{"StatusHireDate": "2012-03-16-07:00"}, int64(-493)},
		{"DateDiff m", `DateDiff("m", Now(), CDate([StatusHireDate]))`, attrs{"StatusHireDate": "2012-03-16-07:00"}, int64(-113)},
		{"DateDiff yyyy", `DateDiff("yyyy", Now(), CDate([StatusHireDate]))`, attrs{"StatusHireDate": "2012-03-16-07:00"}, int64(-9)},
		{"DateDiff same", `DateDiff("d", CDate("2021-08-31+08:00"), CDate("2021-08-31+08:00"))`, nil, int64(0)},
		{"DateDiff h", `DateDiff("h", CDate("2021-08-24"), CDate("2021-08-25"))`, nil, int64(24)},
		{"DateDiff n", `DateDiff("n", CDate("2021-08-24"), CDate("2021-08-25"))`, nil, int64(1440)},
		{"DateDiff s", `DateDiff("s", CDate("2021-08-24"), CDate("2021-08-25"))`, nil, int64(86400)},
		{"DateDiff in IIF doc", `Switch([Active], , "1", IIF(DateDiff("d", Now(), CDate([StatusHireDate])) > 5, "False", "True"), "0", "False")`, attrs{"Active": "1", "StatusHireDate": "2021-09-10"}, "False"},
		// DateFromNum / NumFromDate
		{"DateFromNum doc", `FormatDateTime(DateFromNum(129699324000000000), , "", "yyyy-MM-ddTHH:mm:ssK")`, nil, "2012-01-01T23:00:00Z"},
		{"NumFromDate", `NumFromDate("2012-01-01T23:00:00Z")`, nil, int64(129699324000000000)},
		{"NumFromDate doc workday", `NumFromDate(Join("", FormatDateTime([ContractEndDate], ,"yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00"))`, attrs{"ContractEndDate": "2020-12-31-08:00"}, int64(132539615990000000)},
		// FormatDateTime
		{"FormatDateTime doc", `FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")`, attrs{"extensionAttribute1": "20150123105347.1Z"}, "2015-01-23"},
		{"FormatDateTime 12h", `FormatDateTime([endDate], , "M/d/yyyy hh:mm:ss tt", "yyyy-MM-dd HH:mm")`, attrs{"endDate": "7/2/2021 03:33:38 PM"}, "2021-07-02 15:33"},
		{"FormatDateTime names", `FormatDateTime("2021-07-02", , "yyyy-MM-dd", "dddd, MMMM d yy")`, nil, "Friday, July 2 21"},
		{"FormatDateTime null", `FormatDateTime([x], , "yyyy", "yy")`, nil, nil},
		// Guid, Now
		{"Guid", `Guid()`, nil, "00aa00aa-bb11-cc22-dd33-44ee44ee44ee"},
		{"Now", `CStr(Now())`, nil, "8/25/2021 5:41:18 PM"},
		// IgnoreFlowIfNullOrEmpty
		{"IgnoreFlow null", `IgnoreFlowIfNullOrEmpty([department])`, nil, nil},
		{"IgnoreFlow value", `IgnoreFlowIfNullOrEmpty([department])`, attrs{"department": "Sales"}, "Sales"},
		{"IgnoreFlow doc switch", `IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))`, attrs{"prefix": "9"}, nil},
		// IIF
		{"IIF doc true", `IIF([country]="USA",[country],[department])`, attrs{"country": "USA", "department": "Sales"}, "USA"},
		{"IIF doc false", `IIF([country]="USA",[country],[department])`, attrs{"country": "FR", "department": "Sales"}, "Sales"},
		{"IIF AND doc", `IIF([country]="USA",IIF([state]="CA","True","False"),"False")`, attrs{"country": "USA", "state": "CA"}, "True"},
		{"IIF OR doc", `IIF([country]="USA","True",IIF([state]="CA","True","False"))`, attrs{"country": "DE", "state": "CA"}, "True"},
		{"IIF null condition fails", `IIF([country]="","Other",[country])`, nil, nil},
		{"IIF not equal", `IIF([a] <> "x", "yes", "no")`, attrs{"a": "y"}, "yes"},
		{"IIF numeric compare", `IIF([n] >= 10, "big", "small")`, attrs{"n": "9"}, "small"},
		{"IIF less", `IIF([n] < 10, "small", "big")`, attrs{"n": int64(3)}, "small"},
		{"IIF le", `IIF(3 <= 3, "y", "n")`, nil, "y"},
		// InStr
		{"InStr doc", `InStr("The quick brown fox","quick")`, nil, int64(5)},
		{"InStr doc start", `InStr("repEated","e",3,vbBinaryCompare)`, nil, int64(7)},
		{"InStr text compare", `InStr("repEated","e",3,vbTextCompare)`, nil, int64(4)},
		// IsNull family
		{"IsNull absent", `IsNull([displayName])`, nil, true},
		{"IsNull present", `IsNull([displayName])`, attrs{"displayName": "x"}, false},
		{"IsNullOrEmpty empty", `IsNullOrEmpty("")`, nil, true},
		{"IsNullOrEmpty value", `IsNullOrEmpty([a])`, attrs{"a": "x"}, false},
		{"IsPresent", `IsPresent([a])`, attrs{"a": "x"}, true},
		{"IsPresent empty", `IsPresent("")`, nil, false},
		{"IsPresent doc switch", `Switch(IsPresent([directManager]),[directManager], "True", "dm")`, attrs{"directManager": "m1"}, "dm"},
		{"IsString string", `IsString([a])`, attrs{"a": "x"}, true},
		{"IsString bool", `IsString([a])`, attrs{"a": true}, false},
		{"IsString null", `IsString([a])`, nil, false},
		// Item
		{"Item doc", `Item([proxyAddresses], 1)`, attrs{"proxyAddresses": []string{"SMTP:a@x", "smtp:b@x"}}, "SMTP:a@x"},
		{"Item out of range", `Item([proxyAddresses], 3)`, attrs{"proxyAddresses": []string{"a"}}, nil},
		// Join
		{"Join doc comma", `Join(", ", "", [surname], [givenName])`, attrs{"givenName": "John", "surname": "Doe"}, "Doe, John"},
		{"Join MAP-01 formatted", `Join(" ", [givenName], [surname])`, attrs{"givenName": "Joy", "surname": "Young"}, "Joy Young"},
		{"Join skips null", `Join(" ", [givenName], [surname])`, attrs{"givenName": "Joy"}, "Joy"},
		{"Join all null", `Join(" ", [givenName], [surname])`, nil, nil},
		{"Join multi-valued", `Join(";", [l], "z")`, attrs{"l": []string{"x", "y"}}, "x;y;z"},
		{"Join number", `Join("", 1000, "a")`, nil, "1000a"},
		// Left
		{"Left doc", `Left("John Doe", 3)`, nil, "Joh"},
		{"Left zero", `Left("John", 0)`, nil, ""},
		{"Left negative", `Left("John", -1)`, nil, "John"},
		{"Left null", `Left([x], 2)`, nil, ""},
		{"Left longer", `Left("Jo", 5)`, nil, "Jo"},
		// Mid
		{"Mid", `Mid([userPrincipalName], 1, 8)`, attrs{"userPrincipalName": "jsmith@contoso.com"}, "jsmith@c"},
		{"Mid past end", `Mid("abc", 2, 10)`, nil, "bc"},
		{"Mid start beyond", `Mid("abc", 5, 1)`, nil, ""},
		{"Mid runes", `Mid("Zoë X", 3, 1)`, nil, "ë"},
		{"Mid null", `Mid([x], 1, 1)`, nil, nil},
		// NormalizeDiacritics
		{"NormalizeDiacritics doc", `NormalizeDiacritics([givenName])`, attrs{"givenName": "Zoë"}, "Zoe"},
		{"NormalizeDiacritics table", `NormalizeDiacritics("Ærø Straße Łódź Ğ Ș ñ Å")`, nil, "AEroe Strasse Lodz G S n A"},
		// Not
		{"Not True", `Not("True")`, nil, false},
		{"Not False", `Not("False")`, nil, true},
		{"Not bool", `Not([b])`, attrs{"b": true}, false},
		{"Not null", `Not([x])`, nil, true},
		// PCase (doc table)
		{"PCase doc default", `PCase([firstName])`, attrs{"firstName": "PABLO GONSALVES (SECOND)"}, "Pablo Gonsalves (Second)"},
		{"PCase doc separators", `PCase([lastName]," '-")`, attrs{"lastName": "PINTO-DE'SILVA"}, "Pinto-De'Silva"},
		{"PCase doc join", `PCase(Join(" ",[firstName],[lastName]))`, attrs{"firstName": "GREGORY", "lastName": "JAMES"}, "Gregory James"},
		// RemoveDuplicates
		{"RemoveDuplicates", `RemoveDuplicates([proxyAddresses])`, attrs{"proxyAddresses": []string{"a", "b", "a"}}, []string{"a", "b"}},
		// Replace (doc examples 1-6 and "strip known domain")
		{"Replace doc1 oldValue", `Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )`, attrs{"BusinessTitle": "Product Developer"}, "Software Engineer"},
		{"Replace doc2 template", `Replace([UserID],"<username>", , , , , "<username>@contoso.com")`, attrs{"UserID": "jsmith"}, "jsmith@contoso.com"},
		{"Replace doc3 regex groups", `Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", , "${phoneNumber}", , )`, attrs{"telephoneNumber": "+91 9998887777"}, "9998887777"},
		{"Replace doc3 collapse", `Replace([mobile], , "[()\\s-]+", , "", , )`, attrs{"mobile": "+1 (999) 888-7777"}, "+19998887777"},
		{"Replace doc4 group", `Replace([AddressLineData], ,"(?<streetNumber>^\\d*)","streetNumber", "888", , )`, attrs{"AddressLineData": "545 Tremont Street"}, "888 Tremont Street"},
		{"Replace doc4 suffix", `Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )`, attrs{"userPrincipalName": "jsmith@contoso.com"}, "jsmith"},
		{"Replace doc5 attribute fallback", `Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", "phoneNumber" , , [mobile], )`, attrs{"mobile": "+91 8887779999"}, "8887779999"},
		{"Replace doc5 source present", `Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", "phoneNumber" , , [mobile], )`, attrs{"telephoneNumber": "x", "mobile": "+91 8887779999"}, "x"},
		{"Replace doc6", `Replace([mailNickname], , "[a-zA-Z_]*", , "", , )`, attrs{"mailNickname": "john_doe72"}, "72"},
		{"Replace strip domain doc", `Replace([mail], "@contoso.com", , ,"", ,)`, attrs{"mail": "john.doe@contoso.com"}, "john.doe"},
		{"Replace null source", `Replace([mail], "a", , ,"b", ,)`, nil, nil},
		// SelectUniqueValue (all unique by default)
		{"SelectUniqueValue doc first", `SelectUniqueValue(
			Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"),
			Join("@", NormalizeDiacritics(StripSpaces(Join(".",  Mid([PreferredFirstName], 1, 1), [PreferredLastName]))), "contoso.com"))`,
			attrs{"PreferredFirstName": "John", "PreferredLastName": "Smith"}, "John.Smith@contoso.com"},
		// SingleAppRoleAssignment
		{"SingleAppRoleAssignment", `SingleAppRoleAssignment([appRoleAssignments])`, attrs{"appRoleAssignments": []string{"Admin"}}, "Admin"},
		{"SingleAppRoleAssignment null", `SingleAppRoleAssignment([appRoleAssignments])`, nil, nil},
		// Split
		{"Split doc", `Split([extensionAttribute5], ",")`, attrs{"extensionAttribute5": "PermissionSetOne, PermissionSetTwo"}, []string{"PermissionSetOne", "PermissionSetTwo"}},
		// StripSpaces
		{"StripSpaces", `StripSpaces(" a b  c ")`, nil, "abc"},
		// Switch
		{"Switch doc", `Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")`, attrs{"state": "QLD"}, "Australia/Brisbane"},
		{"Switch default", `Switch([state], "Australia/Sydney", "NSW", "x")`, attrs{"state": "WA"}, "Australia/Sydney"},
		{"Switch case-sensitive", `Switch([f], "d", "true", "1")`, attrs{"f": "True"}, "d"},
		{"Switch lower doc", `Switch(ToLower([statusFlag]), "0", "true", "1", "false", "0")`, attrs{"statusFlag": "TRUE"}, "1"},
		{"Switch empty key doc", `Switch([statusFlag], "Default Value", "true", "1", "", "0")`, nil, "0"},
		{"Switch IsSoftDeleted true MAP-01", `Switch([IsSoftDeleted], , "False", "True", "True", "False")`, attrs{"IsSoftDeleted": true}, "False"},
		{"Switch IsSoftDeleted false MAP-01", `Switch([IsSoftDeleted], , "False", "True", "True", "False")`, attrs{"IsSoftDeleted": false}, "True"},
		{"Switch omitted default", `Switch([x], , "a", "b")`, attrs{"x": "c"}, nil},
		// ToLower / ToUpper / Trim
		{"ToLower doc", `ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"))`, attrs{"PreferredFirstName": "John", "PreferredLastName": "Smith"}, "john.smith@contoso.com"},
		{"ToLower culture", `ToLower("ABC", "en-US")`, nil, "abc"},
		{"ToUpper", `ToUpper([a])`, attrs{"a": "abc"}, "ABC"},
		{"ToUpper null", `ToUpper([a])`, nil, nil},
		{"Trim", `Trim("  a b  ")`, nil, "a b"},
		// Word
		{"Word doc", `Word("The quick brown fox",3," ")`, nil, "brown"},
		{"Word doc delimiters", `Word("This,string!has&many separators",3,",!&#")`, nil, "has"},
		{"Word too few", `Word("a b",3," ")`, nil, ""},
		{"Word zero", `Word("a b",0," ")`, nil, ""},
		{"Word null", `Word([x],1," ")`, nil, ""},
		// Redact
		{"Redact", `Redact([userPrincipalName])`, attrs{"userPrincipalName": "u@x"}, "u@x"},
		// literals and escapes
		{"escaped quotes doc", `"Company name: \"Contoso\""`, nil, `Company name: "Contoso"`},
		{"escaped backslash", `"a\\b"`, nil, `a\b`},
		{"attribute alone", `[mail]`, attrs{"mail": "m@x"}, "m@x"},
		{"missing attribute is null", `[mail]`, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := eval(t, c.src, c.in)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("%s\n got  %#v\n want %#v", c.src, got, c.want)
			}
		})
	}
}

// Every supported function has at least one case above.
func TestEveryFunctionTested(t *testing.T) {
	src := readSelf(t)
	for _, f := range expr.Functions() {
		if !strings.Contains(src, f+"(") {
			t.Errorf("function %s has no test", f)
		}
	}
}

func TestSelectUniqueValue(t *testing.T) {
	e := expr.MustParse(`SelectUniqueValue(Join(".", [g], [s]), Join(".", Mid([g], 1, 1), [s]), Join(".", Mid([g], 1, 2), [s]))`)
	taken := map[string]bool{"John.Smith": true, "J.Smith": true}
	env := &expr.Env{IsUnique: func(v string) bool { return !taken[v] }}
	a := attrs{"g": "John", "s": "Smith"}
	v, err := e.Eval(a.get, env)
	if err != nil || v != "Jo.Smith" {
		t.Fatalf("got %v, %v; want Jo.Smith", v, err)
	}
	taken["Jo.Smith"] = true
	_, err = e.Eval(a.get, env)
	if !errors.Is(err, expr.ErrNoUniqueValue) {
		t.Fatalf("want ErrNoUniqueValue, got %v", err)
	}
}

func TestEvalErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`Mid("abc", "x", 1)`, "expression 1:1: Mid: start must be an integer >= 1"},
		{`Left("abc", [n])`, "Left: numChars: value is null"},
		{`CDate("not a date")`, `CDate: "not a date" is not a recognised date/time`},
		{`Join(" ", DateAdd("fortnight", 1, Now()))`, `expression 1:11: DateAdd: unknown interval "fortnight"`},
		{`FormatDateTime("2021-13-01", , "yyyy-MM-dd", "yyyy")`, "date or time out of range"},
		{`FormatDateTime("20210101", , "yyyy-MM-dd", "yyyy")`, `expected "-" at position 5`},
		{`Replace("a", , "(", , "b", , )`, "regexPattern: error parsing regexp"},
		{`Replace("a", , , , , , )`, "unsupported parameter combination"},
		{`Split("a", "")`, "delimiter must not be empty"},
	}
	for _, c := range cases {
		e, err := expr.Parse(c.src)
		if err != nil {
			t.Fatalf("parse %s: %v", c.src, err)
		}
		_, err = e.Eval(nil, testEnv())
		var ee *expr.EvalError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Eval(%s) = %v, want EvalError containing %q", c.src, err, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		src       string
		line, col int
		msg       string
	}{
		{``, 1, 1, "empty expression"},
		{`Join(" ", [a]`, 1, 1, "missing ')' to close Join("},
		{`Join(" ", [a]) x`, 1, 16, "unexpected 'x' after the end"},
		{`"abc`, 1, 1, "unterminated string constant"},
		{`[abc`, 1, 1, "unterminated attribute reference"},
		{`[]`, 1, 1, "empty attribute name"},
		{`Foo([a])`, 1, 1, `unknown function "Foo"`},
		{`join(" ", [a])`, 1, 1, "did you mean Join?"},
		{"Join(\" \",\n  [a],\n  Mid([b], 1))", 3, 3, "Mid needs at least 3 argument(s), got 2"},
		{`Switch([a], "d", "k")`, 1, 1, "even number of arguments"},
		{`Guid(1)`, 1, 1, "Guid takes at most 0 argument(s), got 1"},
		{`Left("a" "b")`, 1, 10, `expected ',' or ')' in Left arguments, got '"'`},
		{`Append(mail, "x")`, 1, 8, `expected '(' after function name "mail"`},
		{`IIF([a] = , "x", "y")`, 1, 11, `expected a value after "="`},
		{`IIF([a] = "b" = "c", "x", "y")`, 1, 15, "comparisons cannot be chained"},
		{`&Q1`, 1, 1, "expected &H"},
		{`12ab`, 1, 3, "unexpected 'a' in number"},
		{`Join(" ", SelectUniqueValue("a", "b"))`, 1, 11, "SelectUniqueValue must be the top-level function"},
		{`Append([a], ?)`, 1, 13, "unexpected '?'"},
		{`ö(`, 1, 1, `unknown function "ö"`},
		{"Append([a],\n\t\"x\") )", 2, 7, "unexpected ')'"},
		{`,`, 1, 1, "expected an expression"},
	}
	for _, c := range cases {
		_, err := expr.Parse(c.src)
		var se *expr.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want SyntaxError", c.src, err)
			continue
		}
		if se.Pos.Line != c.line || se.Pos.Col != c.col || !strings.Contains(se.Msg, c.msg) {
			t.Errorf("Parse(%q) = %d:%d %q; want %d:%d containing %q", c.src, se.Pos.Line, se.Pos.Col, se.Msg, c.line, c.col, c.msg)
		}
	}
}

func TestMaxLength_MAP04(t *testing.T) {
	ok := `"` + strings.Repeat("a", expr.MaxLength-2) + `"`
	if _, err := expr.Parse(ok); err != nil {
		t.Fatalf("10,000 characters must parse: %v", err)
	}
	_, err := expr.Parse(ok + " ")
	var se *expr.SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "limit is 10000") || se.Pos.Col != expr.MaxLength+1 {
		t.Fatalf("10,001 characters: %v", err)
	}
}

func TestNestingLimit(t *testing.T) {
	src := strings.Repeat("Trim(", 500) + `"a"` + strings.Repeat(")", 500)
	if _, err := expr.Parse(src); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("deep nesting: %v", err)
	}
}

func TestStringRoundTrip(t *testing.T) {
	for _, src := range []string{
		`Switch([IsSoftDeleted], , "False", "True", "True", "False")`,
		`Join(" ", [givenName], [surname])`,
		`IIF([country] = "US\"A", &HF7, -3)`,
		`InStr("a", "b", 1, vbTextCompare)`,
	} {
		e := expr.MustParse(src)
		again, err := expr.Parse(e.String())
		if err != nil {
			t.Fatalf("reparse %q: %v", e.String(), err)
		}
		if again.String() != e.String() {
			t.Errorf("round trip %q -> %q", e.String(), again.String())
		}
	}
	if got := expr.MustParse(`Join(" ", [givenName], Coalesce([surname], [givenName]))`).Attributes(); !reflect.DeepEqual(got, []string{"givenName", "surname"}) {
		t.Errorf("Attributes = %v", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`Switch([IsSoftDeleted], , "False", "True", "True", "False")`,
		`Join(" ", [givenName], [surname])`,
		`Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", , "${phoneNumber}", , )`,
		`IIF(DateDiff("d", Now(), CDate([StatusHireDate])) > 5, "False", "True")`,
		`FormatDateTime([x], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")`,
		`BitAnd(&HF, -7)`, `"\"`, `[a`, `Mid(`, "Word(\"a b\",\n1,\" \")",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := expr.Parse(src)
		if err != nil {
			var se *expr.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("non-syntax error %T: %v", err, err)
			}
			if se.Pos.Offset < 0 || se.Pos.Offset > len(src) {
				t.Fatalf("error offset %d outside input of %d bytes", se.Pos.Offset, len(src))
			}
			return
		}
		// The canonical form must parse to the same canonical form.
		again, err := expr.Parse(e.String())
		if err != nil {
			t.Fatalf("canonical form %q does not parse: %v", e.String(), err)
		}
		if again.String() != e.String() {
			t.Fatalf("canonical form unstable: %q vs %q", e.String(), again.String())
		}
		// Evaluation must not panic.
		_, _ = e.Eval(attrs{"a": "x", "IsSoftDeleted": true}.get, testEnv())
	})
}

func BenchmarkEvalActiveSwitch(b *testing.B) {
	e := expr.MustParse(`Switch([IsSoftDeleted], , "False", "True", "True", "False")`)
	a := attrs{"IsSoftDeleted": false}
	for b.Loop() {
		if _, err := e.Eval(a.get, nil); err != nil {
			b.Fatal(err)
		}
	}
}
