package cli

import "testing"

func TestLeftoverOf(t *testing.T) {
	for _, tc := range []struct {
		file, state string
		want        bool
	}{
		{"entrasim-records-job.db-123.spill", "job.db", true},
		{"entrasim-chunks-job.db-9.spool", "job.db", true},
		{"entrasim-records-job.db-2-123.spill", "job.db", false}, // job.db-2's
		{"entrasim-records-job.db-2-123.spill", "job.db-2", true},
		{"entrasim-records-job.db-.spill", "job.db", false},
		{"entrasim-records-job.db-12a.spill", "job.db", false},
		{"entrasim-records-job.db-123.spool", "job.db", false},
		{"entrasim-chunks-job.db-123.spill", "job.db", false},
		{"entrasim-records-123.spill", "job.db", false}, // an unnamed spill file (tests, TMPDIR)
		{"job.db", "job.db", false},
	} {
		if got := leftoverOf(tc.file, tc.state); got != tc.want {
			t.Errorf("leftoverOf(%q, %q) = %v, want %v", tc.file, tc.state, got, tc.want)
		}
	}
}
