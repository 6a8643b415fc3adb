package directory

import (
	"bufio"
	"bytes"
	"io"

	"go.yaml.in/yaml/v3"
)

// chunking sets when and how parseStream splits a file.
type chunking struct {
	threshold int64 // inputs smaller than this are parsed whole
	items     int   // list items per chunk, on average (see cutBefore)
	bytes     int   // a chunk is closed at the next item once this big
	workers   int   // pieces parsed at once; 0 means GOMAXPROCS
}

// defaultChunking parses files from 4 MiB on in chunks of 256 users or
// groups (about 100 KB of YAML, a few MB of yaml nodes), on GOMAXPROCS
// workers.
var defaultChunking = chunking{threshold: 4 << 20, items: 256, bytes: 1 << 20}

// parseStream decodes a directory file read from r without holding the
// whole file or its whole yaml node tree in memory. The file is cut into
// its top-level fields, and the block lists of users and groups into
// chunks of a few hundred items; each piece is parsed with yaml on its
// own, its node lines moved to where they are in the file, and its nodes
// fed to the same builder as the whole-document parse.
//
// Pieces are parsed by a few workers at once (see pipeline), and their
// results consumed strictly in file order, so that the directory and the
// errors are those of a parse of one piece after the other.
//
// It only cuts where the yaml parser would see the same structure: at
// lines that start a top-level `key:` with a plain key, and at the
// lines of a top-level block list that start an item (the list's item
// indentation, then "-" and a blank). Whenever the file does anything
// else, or a piece does not parse to exactly what the cut promised (a
// one-key mapping, and for a chunk a list of as many items as item lines
// were counted), ok is false and the caller parses the whole document, so
// that results and error messages are always the whole parse's. This
// covers directives and document markers, line breaks other than "\n",
// unknown or repeated top-level keys, aliases to anchors in another
// piece, scalars or flow collections spanning item lines, and syntax
// errors.
//
// cache (nil: none) serves and records the chunks of the lists (see
// ChunkCache); it is marked streamed only when ok.
func parseStream(name string, r io.Reader, c chunking, cache *ChunkCache) (d *Directory, err error, ok bool) {
	b := newBuilder(name)
	s := &streamer{
		c:  c,
		lr: lineReader{r: bufio.NewReaderSize(r, 64<<10)},
		pl: startPipeline(b, c.workers, cache),
	}
	cut := s.run()
	// The pipeline is closed even when the cut failed, so that no worker
	// outlives the call.
	if parsed := s.pl.close(); !cut || !parsed {
		return nil, nil, false
	}
	d, err = b.finish()
	if cache != nil {
		cache.mu.Lock()
		cache.streamed = true
		cache.loaded, cache.userChunks = d, b.userChunks
		cache.mu.Unlock()
	}
	return d, err, true
}

func parseStreamBytes(name string, data []byte, c chunking) (*Directory, error, bool) {
	return parseStream(name, bytes.NewReader(data), c, nil)
}

// streamer cuts a file into pieces (see parseStream).
type streamer struct {
	c    chunking
	lr   lineReader
	pl   *pipeline
	seen map[string]bool // top-level keys

	// The current piece: the section of top-level field key, or a chunk
	// of its list. buf starts with the field's header line; its second
	// line is line line2 of the file.
	key    string
	header []byte
	buf    []byte
	line2  int
	// list is true while the section can still be a chunked block list:
	// users or groups with nothing after the colon but a comment. indent
	// is the list's item indentation (-1 until the first item) and items
	// counts the item lines in buf.
	list   bool
	indent int
	items  int
	// next is the index in its list of the next chunk's first item.
	next int
}

// run reads the file, feeding the pipeline; false means fall back.
func (s *streamer) run() bool {
	s.seen = map[string]bool{}
	for {
		start := len(s.buf)
		var more bool
		var err error
		s.buf, more, err = s.lr.appendLine(s.buf)
		if err != nil {
			return false
		}
		if !more {
			break
		}
		line := s.buf[start:]
		if !plainBreaks(line) {
			return false
		}
		text := bytes.TrimSuffix(line, []byte{'\n'})
		ind := 0
		for ind < len(text) && text[ind] == ' ' {
			ind++
		}
		rest := bytes.TrimLeft(text[ind:], " \t")
		if len(rest) == 0 || rest[0] == '#' {
			// Blank or comment: part of whatever piece is open.
			if s.key == "" {
				s.buf = s.buf[:start]
			}
			continue
		}
		if len(rest) != len(text)-ind {
			return false // a tab in the indentation
		}
		item := isItem(rest)
		switch {
		case s.list && item && (ind == s.indent || s.indent < 0):
			// An item of the field's list.
			if s.indent < 0 {
				s.indent = ind
			} else if s.cutBefore(line, start) {
				if !s.flush(start) {
					return false
				}
				s.buf = append(append(make([]byte, 0, start+start/4+len(line)), s.header...), line...)
				s.line2 = s.lr.line
			}
			s.items++
		case ind > 0:
			switch {
			case s.key == "":
				return false // content before the first field
			case s.list && s.indent < 0:
				s.list = false // the field's value is not a block list
			case s.list && ind < s.indent:
				return false
			}
		default:
			// Column 0: a new top-level field.
			key, list, good := topKey(text)
			if !good || s.seen[key] {
				return false
			}
			if s.key != "" && !s.flush(start) {
				return false
			}
			s.seen[key] = true
			s.key, s.list, s.indent, s.items, s.next = key, list, -1, 0, 0
			s.header = nil
			if list {
				s.header = bytes.Clone(line)
			}
			s.buf = append(make([]byte, 0, len(line)+64<<10), line...)
			s.line2 = s.lr.line + 1
		}
	}
	if s.key == "" {
		return false // no fields: the whole parse reports it
	}
	return s.flush(len(s.buf))
}

// cutBefore reports whether the chunk being read, size bytes so far,
// ends before the item that starts with line. Where chunks end depends
// on the items' first lines, not on counts from the start of the list
// (content-defined chunking): inserting or deleting a user changes the
// bytes of one chunk, not of every later one, so the others are found in
// a ChunkCache. Chunks hold from half to twice c.items items, c.items on
// average, and are closed once c.bytes big.
func (s *streamer) cutBefore(line []byte, size int) bool {
	if size >= s.c.bytes || s.items >= 2*s.c.items {
		return true
	}
	least := (s.c.items + 1) / 2
	return s.items >= least && lineHash(line)%uint32(least) == 0
}

// lineHash is FNV-1a of line: cheap, and spread enough over lines that
// differ (an item's first line usually holds its objectId).
func lineHash(line []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range line {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// flush hands buf[:end], the current piece, to the pipeline; false
// means the pipeline gave up (a piece did not parse as promised).
func (s *streamer) flush(end int) bool {
	pc := &piece{key: s.key, data: s.buf[:end], shift: s.line2 - 2, items: -1}
	if s.list && s.indent >= 0 {
		pc.items, pc.first = s.items, s.next
		s.next += s.items
		s.items = 0
	}
	// The streamer never writes to this buffer again: the next piece
	// starts in a new one.
	return s.pl.submit(pc)
}

// shiftLines adds by to the line of n and of every node under it.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// isItem reports whether a line's text from its indentation on starts a
// block list item: "-" then a blank or the end of the line.
func isItem(rest []byte) bool {
	return rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ' || rest[1] == '\t')
}

// topKey parses a top-level field's header line: a known field name as a
// plain key, a colon, then a blank or the end of the line. list reports
// whether the value may be a block list to cut into chunks: users or
// groups with nothing but a comment after the colon.
func topKey(text []byte) (key string, list, ok bool) {
	i := bytes.IndexByte(text, ':')
	if i < 0 {
		return "", false, false
	}
	key = string(text[:i])
	switch key {
	case "app", "users", "groups":
	default:
		return "", false, false
	}
	rest := text[i+1:]
	if len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' {
		return "", false, false
	}
	rest = bytes.TrimLeft(rest, " \t")
	list = key != "app" && (len(rest) == 0 || rest[0] == '#')
	return key, list, true
}

// plainBreaks reports whether "\n" is the only line break in line: yaml
// also breaks lines at "\r", NEL, LS and PS, which would make the line
// numbers counted here wrong.
//
// It runs on every line of the file, so it looks for the lead bytes of
// NEL (0xC2) and of LS and PS (0xE2) first: most lines have neither.
func plainBreaks(line []byte) bool {
	if bytes.IndexByte(line, '\r') >= 0 {
		return false
	}
	if bytes.IndexByte(line, 0xC2) >= 0 && bytes.Contains(line, []byte("\u0085")) {
		return false
	}
	if bytes.IndexByte(line, 0xE2) < 0 {
		return true
	}
	return !bytes.Contains(line, []byte("\u2028")) && !bytes.Contains(line, []byte("\u2029"))
}

// lineReader reads lines of any length.
type lineReader struct {
	r    *bufio.Reader
	line int // lines read
}

// appendLine appends the next line, with its "\n" if it has one, to buf.
// more is false at the end of the input.
func (lr *lineReader) appendLine(buf []byte) (_ []byte, more bool, err error) {
	n := len(buf)
	for {
		frag, err := lr.r.ReadSlice('\n')
		buf = append(buf, frag...)
		switch err {
		case nil:
			lr.line++
			return buf, true, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if len(buf) > n {
				lr.line++
				return buf, true, nil
			}
			return buf, false, nil
		default:
			return buf, false, err
		}
	}
}
