// Package expr implements Entra's attribute-mapping expression language
// (S11, "Reference for writing expressions for attribute mappings"):
// string constants ("..." with \" and \\ escapes), integer constants (42,
// -10, &HF7), attribute references ([name]), function calls with nested
// arguments, omitted arguments (Switch([x], , "a", "b")) and, inside
// arguments, the comparison operators = <> > >= < <= used by IIF and CBool.
//
// Parse turns a source string into a tree (Expr) and reports syntax errors
// with line, column and offset. Function names are checked at parse time
// (case-sensitive, as Microsoft documents the syntax) together with their
// argument counts. Expressions are limited to 10,000 characters (MAP-04).
//
// Eval evaluates a tree against a source-attribute Getter. Values are
// nil (null), string, bool, int64, time.Time (a DateTime) or []string (a
// multi-valued attribute). An attribute that is absent evaluates to nil.
// Now, Guid and the uniqueness check of SelectUniqueValue come from Env so
// tests are deterministic.
//
// Null handling per function (documented choices; [DOC] where Microsoft
// states it, otherwise our inference):
//
//	Append        null source and suffix -> null; one null side counts as ""
//	Join          null and empty sources are skipped [DOC example]; nothing left -> null
//	Coalesce      first non-null argument; all null -> null [DOC]
//	Left, Word    null string -> "" [DOC]
//	Switch        null source compares as "" (so a "" key matches) [DOC caution]
//	IIF           a comparison with a null or empty operand is false [DOC known limitation]
//	Not           anything but True -> True, so Not(null) = True [DOC]
//	CBool         null -> False
//	Count         null -> 0
//	IsNull, IsNullOrEmpty, IsPresent, IsString: tests, never null
//	IgnoreFlowIfNullOrEmpty: null or "" -> null (the attribute does not flow)
//	all others    null input -> null output
package expr
