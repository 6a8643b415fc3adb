package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/client/directory"
)

// EnvFullScan, when set to anything but "" or "0", turns the unchanged-
// source shortcut off, as --full-scan does.
const EnvFullScan = "ENTRASIM_FULL_SCAN"

// fullScanHelp documents --full-scan.
const fullScanHelp = "read the directory and every object of the state in every cycle, even when the source is unchanged " +
	"since a cycle that left nothing pending, and parse every part of the directory file rather than reuse those decoded " +
	"in an earlier cycle (a harness option, Entra has none; also " + EnvFullScan + "=1)"

// fullScanEnv reports whether EnvFullScan turns the shortcut off.
func fullScanEnv() bool {
	v := strings.TrimSpace(os.Getenv(EnvFullScan))
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// cliSource is the --directory of cycle and run (engine.Source): its digest
// is computed before it is parsed, and it is parsed only when a cycle
// needs it (issue 16).
type cliSource struct {
	path string
	// fileHash is sourceFileHash of the directory before it was parsed; ""
	// when unknown (the shortcut is off, or the files could not be read).
	fileHash string
	// digest is fileHash combined with the command's settings (digestFor);
	// "" when unknown or when the files changed while they were parsed.
	digest string
	dir    *directory.Directory
	// chunks, when set, loads the directory through the state's cache of
	// decoded chunks (cycle and run).
	chunks *sourceChunks
}

// Digest implements engine.Source.
func (s *cliSource) Digest() string { return s.digest }

// Directory implements engine.Source: it loads the directory once, and
// forgets the digest when the files changed while they were read, so that
// what was parsed is never remembered under another content's digest.
func (s *cliSource) Directory() (*directory.Directory, error) {
	if s.dir != nil {
		return s.dir, nil
	}
	var dir *directory.Directory
	var err error
	if s.chunks != nil {
		dir, err = s.chunks.load(s.path)
	} else {
		dir, err = directory.Load(s.path)
	}
	if err != nil {
		return nil, err
	}
	if s.fileHash != "" {
		if after, err := sourceFileHash(s.path); err != nil || after != s.fileHash {
			s.fileHash, s.digest = "", ""
		}
	}
	s.dir = dir
	return dir, nil
}

// Release implements engine.ReleasingSource: the cycle is done with the
// directory once it planned, and a later cycle loads it again (through
// the chunk cache, which makes that cheap) when it needs it.
func (s *cliSource) Release() { s.dir = nil }

// settingsDigest sets digest from fileHash and what else of the command
// decides what a cycle plans or sends (beyond engine.Options, which the
// engine adds itself): the mapping file's bytes, the target and the client
// settings. The token is left out: a secret is not stored, even hashed.
func (s *cliSource) settingsDigest(mapFile, tenantURL, dialect string, timeout time.Duration, managerForm string) {
	s.digest = ""
	if s.fileHash == "" {
		return
	}
	h := sha256.New()
	fmt.Fprintf(h, "entrasim source digest v1\nsource %s\n", s.fileHash)
	if mapFile == "" {
		fmt.Fprintf(h, "mapping builtin\n")
	} else {
		mh, err := fileHash(mapFile)
		if err != nil {
			return
		}
		fmt.Fprintf(h, "mapping %s\n", mh)
	}
	fmt.Fprintf(h, "tenant %q\ndialect %q\ntimeout %s\nmanagerForm %q\n", tenantURL, dialect, timeout, managerForm)
	s.digest = hex.EncodeToString(h.Sum(nil))
}

// sourceFileHash is the SHA-256 (hex) of a directory source, read as a
// stream (a 1M-user file is about 450 MB): the YAML file's bytes, or for a
// Graph export folder each file directory.LoadGraph reads, in a fixed
// order, with whether it is present.
func sourceFileHash(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if !fi.IsDir() {
		fmt.Fprintf(h, "yaml\n")
		if err := copyFile(h, path); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	fmt.Fprintf(h, "graph\n")
	for _, name := range []string{directory.GraphUsersFile, directory.GraphGroupsFile, directory.GraphAssignmentsFile} {
		fh, err := fileHash(filepath.Join(path, name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			fmt.Fprintf(h, "%s absent\n", name)
		case err != nil:
			return "", err
		default:
			fmt.Fprintf(h, "%s %s\n", name, fh)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fileHash is the SHA-256 (hex) of a file's bytes, read as a stream.
func fileHash(path string) (string, error) {
	h := sha256.New()
	if err := copyFile(h, path); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func copyFile(h hash.Hash, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return err
	} else if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	_, err = io.CopyBuffer(h, f, make([]byte, 1<<20))
	return err
}
