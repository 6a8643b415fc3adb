package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/engine"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/quarantine"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// Result is what a run observed and whether the expectations held.
type Result struct {
	// Cycles counts cycle slots run (skipped ones included).
	Cycles int
	// ErrorCodes are the distinct errorCodes of the log records, sorted.
	ErrorCodes []string
	// Status and Reason are the job's final status and quarantine reason.
	Status quarantine.Code
	Reason quarantine.Reason
	// Escrowed is the number of escrow entries left; Emails the emails.
	Escrowed int
	Emails   int
	// Failures lists every expectation that did not hold; empty = passed.
	Failures []string
}

// Passed reports whether every expectation held.
func (r *Result) Passed() bool { return len(r.Failures) == 0 }

// Run plays the scenario against a fresh account of the target: each phase
// sets its fault plan and directory and runs its cycles; expectations are
// checked after each phase that has some and at the end. Each cycle is
// printed to out. workDir receives the state file and the outbox. The
// error is non-nil only when the scenario could not run.
func Run(ctx context.Context, sc *Scenario, t *Target, workDir string, out io.Writer) (*Result, error) {
	acct, err := t.NewAccount(ctx)
	if err != nil {
		return nil, err
	}
	opts := scim.Options{TenantURL: acct.TenantURL, Token: acct.Token, Timeout: 5 * time.Second, RetryAfterCap: time.Millisecond}
	if s := sc.Settings.Timeout; s != "" {
		opts.Timeout, _ = time.ParseDuration(s)
	}
	if s := sc.Settings.RetryAfterCap; s != "" {
		opts.RetryAfterCap, _ = time.ParseDuration(s)
	}
	client, err := scim.New(opts)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	cfg, err := sc.mapping()
	if err != nil {
		return nil, err
	}
	st, err := state.Open(ctx, filepath.Join(workDir, sc.Name+".state.db"))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	job, err := st.Job(ctx)
	if err != nil {
		return nil, err
	}
	job.Clock, job.Interval = sc.start, sc.interval
	if err := st.SaveJob(ctx, job); err != nil {
		return nil, err
	}
	outbox := filepath.Join(workDir, sc.Name+".outbox")
	email := sc.Settings.NotificationEmail
	if email == "" {
		email = "admin@contoso.com"
	}
	th := sc.Settings.Thresholds
	eng, err := engine.New(engine.Options{Client: client, Store: st, Config: cfg, Outbox: outbox, NotificationEmail: email, KeepRecords: true,
		Quarantine: quarantine.Config{MinFailures: th.MinFailures, ProportionPercent: th.ProportionPercent,
			BaseFailures: th.BaseFailures, TotalFailures: th.TotalFailures}})
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}

	res := &Result{}
	fold := &folder{out: out}
	defer fold.flush()
	codes := map[string]bool{}
	var dir *directory.Directory
	fmt.Fprintf(out, "Scenario %s: %s\n", sc.Name, strings.TrimSpace(sc.Description))
	for i, p := range sc.Timeline {
		if b, name, err := sc.directoryYAML(p); err != nil {
			return nil, err
		} else if b != nil {
			if dir, err = directory.Parse(name, b); err != nil {
				return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
			}
		}
		fold.flush()
		fmt.Fprintf(out, "-- phase %d: %d cycle(s)", i+1, p.Cycles)
		if p.Faults != "" {
			if err := t.SetFaults(ctx, acct.ID, p.Faults); err != nil {
				return nil, err
			}
			fmt.Fprintf(out, ", fault plan %s", p.Faults)
		}
		fmt.Fprintln(out)
		for c := 0; c < p.Cycles; c++ {
			s, err := eng.Cycle(ctx, dir)
			if errors.Is(err, engine.ErrStopped) {
				fold.flush()
				fmt.Fprintf(out, "   job stopped: %v\n", err)
				break
			}
			if err != nil {
				return nil, fmt.Errorf("scenario %s: cycle %d: %w", sc.Name, res.Cycles+1, err)
			}
			res.Cycles++
			fold.add(s)
			for _, r := range s.Records {
				if ei := r.ProvisioningStatusInfo.ErrorInformation; ei != nil && ei.ErrorCode != "" {
					codes[ei.ErrorCode] = true
				}
			}
		}
		if p.Expect != nil {
			fold.flush()
			if err := res.observe(ctx, st, codes, outbox); err != nil {
				return nil, err
			}
			res.check(fmt.Sprintf("after phase %d", i+1), *p.Expect)
		}
	}
	fold.flush()
	if err := res.observe(ctx, st, codes, outbox); err != nil {
		return nil, err
	}
	res.check("at the end", sc.Expect)
	if res.Passed() {
		fmt.Fprintf(out, "PASS %s: %d cycles; job %s%s; error codes %v\n", sc.Name, res.Cycles, res.Status, reasonSuffix(res.Reason), res.ErrorCodes)
	} else {
		fmt.Fprintf(out, "FAIL %s:\n  %s\n", sc.Name, strings.Join(res.Failures, "\n  "))
	}
	return res, nil
}

func reasonSuffix(r quarantine.Reason) string {
	if r == "" {
		return ""
	}
	return " (" + string(r) + ")"
}

// observe reads the job's state into the result.
func (r *Result) observe(ctx context.Context, st *state.Store, codes map[string]bool, outbox string) error {
	j, err := st.Job(ctx)
	if err != nil {
		return err
	}
	ledger, err := st.Escrow(ctx)
	if err != nil {
		return err
	}
	r.Status = quarantine.Code(j.Code())
	r.Reason = ""
	if q := j.Quarantine(); q != nil && j.Status.Quarantined() {
		r.Reason = q.Reason
	}
	r.Escrowed = ledger.Len()
	r.ErrorCodes = r.ErrorCodes[:0]
	for c := range codes {
		r.ErrorCodes = append(r.ErrorCodes, c)
	}
	sort.Strings(r.ErrorCodes)
	emails, _ := filepath.Glob(filepath.Join(outbox, "*.eml"))
	r.Emails = len(emails)
	return nil
}

// check compares the observation with e, noting each mismatch.
func (r *Result) check(when string, e Expect) {
	fail := func(format string, args ...any) {
		r.Failures = append(r.Failures, when+": "+fmt.Sprintf(format, args...))
	}
	if e.ErrorCodes != nil {
		want := slices.Clone(e.ErrorCodes)
		sort.Strings(want)
		want = slices.Compact(want)
		if !slices.Equal(want, r.ErrorCodes) {
			fail("error codes %v, want %v", r.ErrorCodes, want)
		}
	}
	if e.Status != "" && string(r.Status) != e.Status {
		fail("job status %s, want %s", r.Status, e.Status)
	}
	if e.Reason != nil && string(r.Reason) != *e.Reason {
		fail("quarantine reason %q, want %q", r.Reason, *e.Reason)
	}
	if e.Escrowed != nil && r.Escrowed != *e.Escrowed {
		fail("%d escrow entries, want %d", r.Escrowed, *e.Escrowed)
	}
	if e.Emails != nil && r.Emails != *e.Emails {
		fail("%d quarantine emails, want %d", r.Emails, *e.Emails)
	}
}

// mapping builds the scenario's mapping configuration.
func (sc *Scenario) mapping() (*mapping.Config, error) {
	if sc.Settings.Mapping.Kind == 0 {
		return mapping.Gtmhub(), nil
	}
	b, err := yaml.Marshal(&sc.Settings.Mapping)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: settings.mapping: %w", sc.Name, err)
	}
	cfg, err := mapping.Parse(sc.Name+" settings.mapping", b)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	return cfg, nil
}

// Line renders one cycle for the scenario output and `entrasim run`: the
// simulated time, what ran, the job status.
func Line(s *engine.Summary) string {
	at := s.At.UTC().Format(time.RFC3339)
	if s.Skipped {
		return at + " skipped: " + s.Stopped
	}
	c := s.Counts
	kind := s.Kind
	if s.Retry {
		kind += ", quarantine retry"
	}
	codes := map[string]bool{}
	for _, r := range s.Records {
		if ei := r.ProvisioningStatusInfo.ErrorInformation; ei != nil && ei.ErrorCode != "" {
			codes[ei.ErrorCode] = true
		}
	}
	var cs []string
	for k := range codes {
		cs = append(cs, k)
	}
	sort.Strings(cs)
	line := fmt.Sprintf("%s %s: created %d, updated %d, disabled %d, deleted %d, failed %d, requests %d, escrowed %d",
		at, kind, c.Created, c.Updated, c.Disabled, c.Deleted, c.Failed, c.Requests, s.Escrow.Total())
	if len(cs) > 0 {
		line += " " + fmt.Sprint(cs)
	}
	line += "; job " + s.Job.Code()
	if q := s.Job.Quarantine(); q != nil {
		line += " (" + string(q.Reason) + ", next attempt " + q.NextAttempt.UTC().Format(time.RFC3339) + ")"
	}
	if t := s.Transition; t != nil && t.Event != quarantine.EventRan {
		line += " [" + string(t.Event) + "]"
	}
	return line
}

// Files lists the scenario files of fixtures/scenarios.
func Files() ([]string, error) { return fixtures.ScenarioNames() }

// LoadFixture parses the committed scenario with the given name.
func LoadFixture(name string) (*Scenario, error) {
	b, err := fixtures.Scenario(name)
	if err != nil {
		return nil, err
	}
	return Parse(name, b)
}

// folder prints cycles, folding runs of skipped slots (same reason) and of
// cycles with nothing to do into one line each.
type folder struct {
	out         io.Writer
	key         string
	first, last *engine.Summary
	n           int
}

func (f *folder) add(s *engine.Summary) {
	key := ""
	switch {
	case s.Skipped:
		key = "skipped: " + s.Stopped
	case s.Logged == 0 && s.Counts.Requests == 0 && s.Transition != nil && s.Transition.Event == quarantine.EventRan:
		key = "nothing to do; job " + s.Job.Code()
	}
	if key == "" || key != f.key {
		f.flush()
	}
	if key == "" {
		fmt.Fprintln(f.out, "   "+Line(s))
		return
	}
	if f.n == 0 {
		f.first, f.key = s, key
	}
	f.last = s
	f.n++
}

func (f *folder) flush() {
	switch {
	case f.n == 1:
		fmt.Fprintln(f.out, "   "+Line(f.first))
	case f.n > 1:
		fmt.Fprintf(f.out, "   %s .. %s %d cycles %s\n", f.first.At.UTC().Format(time.RFC3339),
			f.last.At.UTC().Format(time.RFC3339), f.n, f.key)
	}
	f.n, f.key = 0, ""
}
