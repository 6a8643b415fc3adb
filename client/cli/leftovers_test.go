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

func TestByteSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 1_500_000: "1.5 MB", 3_200_000_000: "3.2 GB"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
}
