package outcome

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// codeConstants parses the package's Go files and returns every Code*
// string constant by name, so that a code added later without a source
// fails TestEveryCodeHasASource.
func codeConstants(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	out := map[string]string{}
	for _, file := range []string{"codes.go"} {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "Code") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s is not a string literal", n.Name)
					}
					v, _ := strconv.Unquote(lit.Value)
					out[n.Name] = v
				}
			}
		}
	}
	return out
}

// rowCodes returns the code of every row literal in table.go and
// refine.go, i.e. every code Classify can produce.
func rowCodes(t *testing.T, consts map[string]string) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	out := map[string]bool{}
	for _, file := range []string{"table.go", "refine.go"} {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		var rowLits []*ast.CompositeLit
		ast.Inspect(f, func(n ast.Node) bool {
			cl, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			switch typ := cl.Type.(type) {
			case *ast.Ident: // row{…}
				if typ.Name == "row" {
					rowLits = append(rowLits, cl)
				}
			case *ast.MapType: // map[int]row{status: {…}}
				if v, ok := typ.Value.(*ast.Ident); ok && v.Name == "row" {
					for _, e := range cl.Elts {
						if lit, ok := e.(*ast.KeyValueExpr).Value.(*ast.CompositeLit); ok {
							rowLits = append(rowLits, lit)
						}
					}
				}
			}
			return true
		})
		for _, cl := range rowLits {
			if len(cl.Elts) == 0 { // row{}: no row
				continue
			}
			if len(cl.Elts) < 2 {
				t.Fatalf("%s: a row literal without a code", fset.Position(cl.Pos()))
			}
			id, ok := cl.Elts[1].(*ast.Ident)
			if !ok {
				t.Fatalf("%s: a row's code is not a Code constant", fset.Position(cl.Pos()))
			}
			v, ok := consts[id.Name]
			if !ok {
				t.Fatalf("%s: row code %s is not a Code constant of codes.go", fset.Position(cl.Pos()), id.Name)
			}
			out[v] = true
		}
	}
	return out
}

var refPattern = map[SourceKind]*regexp.Regexp{
	Documented: regexp.MustCompile(`^DOC S\d+$`),
	Observed:   regexp.MustCompile(`^OBS O\d+$`),
	Default:    regexp.MustCompile(`^UNC-\d{2}$`),
}

// TestEveryCodeHasASource: every Code constant, every code a row can
// produce and every table entry has a kind and a reference of the matching
// evidence tag (spec 0.1), and an ERR row.
func TestEveryCodeHasASource(t *testing.T) {
	consts := codeConstants(t)
	if len(consts) < 20 {
		t.Fatalf("found only %d Code constants: the parser missed them", len(consts))
	}
	check := func(what, code string) {
		s := CodeSource(code)
		re, ok := refPattern[s.Kind]
		if !ok {
			t.Errorf("%s %q has no source (kind %v)", what, code, s.Kind)
			return
		}
		if !re.MatchString(s.Ref) {
			t.Errorf("%s %q: ref %q does not fit kind %s", what, code, s.Ref, s.Kind)
		}
		if !regexp.MustCompile(`^ERR-\d{2}$`).MatchString(CodeSpecID(code)) {
			t.Errorf("%s %q: spec id %q", what, code, CodeSpecID(code))
		}
	}
	for name, code := range consts {
		check("constant "+name, code)
	}
	rows := rowCodes(t, consts)
	if !rows[CodeBadRequest] || !rows[CodeMandatoryFieldsMissing] {
		t.Fatalf("row codes %v: the parser missed rows", rows)
	}
	for code := range rows {
		check("row code", code)
	}
	seen := map[string]bool{}
	declared := map[string]bool{}
	for _, v := range consts {
		declared[v] = true
	}
	for _, code := range Codes() {
		if seen[code] {
			t.Errorf("%q is twice in the table", code)
		}
		seen[code] = true
		if !declared[code] {
			t.Errorf("table code %q has no Code constant", code)
		}
		check("table code", code)
	}
}

// TestCodeSourceLookup pins the source of the codes whose provenance
// differs (spec ERR-22 OBS O11, UNC-03) and the answer for codes the table
// does not list.
func TestCodeSourceLookup(t *testing.T) {
	cases := []struct {
		code string
		want Source
		str  string
		spec string
	}{
		{CodeEntryConflict, Source{Documented, "DOC S5"}, "documented (DOC S5)", "ERR-01"},
		{CodeMandatoryFieldsMissing, Source{Documented, "DOC S5"}, "documented (DOC S5)", "ERR-09"},
		{CodeServiceIncompatible, Source{Documented, "DOC S5"}, "documented (DOC S5)", "ERR-20"},
		{CodeCredentialValidationFailure, Source{Observed, "OBS O11"}, "observed (OBS O11)", "ERR-22"},
		{CodeUnableToResolveReference, Source{Documented, "DOC S7"}, "documented (DOC S7)", "ERR-23"},
		{CodeBadRequest, Source{Default, "UNC-03"}, "default (UNC-03)", "ERR-24"},
		{"AttributeMappingEvaluationFailed", Source{}, "unknown", ""},
		{"entryconflict", Source{}, "unknown", ""},
		{"", Source{}, "unknown", ""},
	}
	for _, c := range cases {
		got := CodeSource(c.code)
		if got != c.want || got.String() != c.str || CodeSpecID(c.code) != c.spec {
			t.Errorf("%q: %#v %q %q, want %#v %q %q", c.code, got, got, CodeSpecID(c.code), c.want, c.str, c.spec)
		}
	}
}

// TestSourceJSON: the kind is written by name and reads back.
func TestSourceJSON(t *testing.T) {
	cases := []struct {
		s    Source
		want string
	}{
		{Source{Documented, "DOC S5"}, `{"kind":"documented","ref":"DOC S5"}`},
		{Source{Observed, "OBS O11"}, `{"kind":"observed","ref":"OBS O11"}`},
		{Source{Default, "UNC-03"}, `{"kind":"default","ref":"UNC-03"}`},
		{Source{}, `{"kind":"unknown","ref":""}`},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.s)
		if err != nil || string(b) != c.want {
			t.Errorf("%#v: %s %v, want %s", c.s, b, err, c.want)
			continue
		}
		var back Source
		if err := json.Unmarshal(b, &back); err != nil || back != c.s {
			t.Errorf("%s read back as %#v (%v)", b, back, err)
		}
	}
	if SourceKind(99).String() != "unknown" {
		t.Errorf("out-of-range kind: %q", SourceKind(99).String())
	}
}

// TestOutcomeErrorCodeSource: an outcome names its code's source; a
// success has none.
func TestOutcomeErrorCodeSource(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   Source
	}{
		{201, user, Source{}},
		{400, errBody(400, "bad"), Source{Default, "UNC-03"}},
		{401, "", Source{Observed, "OBS O11"}},
		{409, "", Source{Documented, "DOC S5"}},
	}
	for _, c := range cases {
		o := Classify(CreateUser, Response{Status: c.status, Body: []byte(c.body)})
		if got := o.ErrorCodeSource(); got != c.want {
			t.Errorf("%d: %#v, want %#v", c.status, got, c.want)
		}
	}
}
