package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/quantive/entra-scim-harness/client/provlog"
)

// A cycle's spill file and a load's chunk spool sit beside the state file
// and are removed when they are done with, but a process killed (kill -9,
// out of memory, power) leaves them: gigabytes at a million users (issue
// 16). Both are named after the state file, so the next command that
// opens the state removes them.

// removeLeftovers removes the spill files and chunk spools of the state
// file at path, but keep (the caller's own spool, made beside the state;
// "" for none), and
// returns how many it removed and their size. It runs with the state's
// lock held: only its holder writes a spill file; another process may be
// writing a spool while it waits for the lock, and a file removed while
// open stays readable through its descriptor (on Windows the removal
// fails and the file stays). Errors are ignored: these files only cost
// disk space.
func removeLeftovers(path, keep string) (n int, size int64) {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !leftoverOf(e.Name(), name) || (keep != "" && e.Name() == filepath.Base(keep)) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			n++
			size += info.Size()
		}
	}
	return n, size
}

// leftoverOf reports whether file is a spill file or chunk spool of the
// state file named state: prefix, state, "-", digits (os.CreateTemp's),
// suffix. The digits keep the files of "job.db-2" from being those of
// "job.db".
func leftoverOf(file, state string) bool {
	for _, k := range [][2]string{{provlog.SpillFilePrefix, provlog.SpillFileSuffix}, {chunkSpoolPrefix, chunkSpoolSuffix}} {
		rest, ok := strings.CutPrefix(file, k[0]+state+"-")
		if !ok {
			continue
		}
		digits, ok := strings.CutSuffix(rest, k[1])
		if ok && digits != "" && strings.Trim(digits, "0123456789") == "" {
			return true
		}
	}
	return false
}
