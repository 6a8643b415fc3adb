package state

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// aheadChunk is the number of rows a worker encodes at a time: large
// enough that the hand-off costs nothing, small enough that the writer
// starts after a few rows.
const aheadChunk = 64

// ahead encodes a commit's rows as JSON text on every core while the
// transaction writes the rows already encoded: the commit at the end of
// an initial cycle (10k+ objects and records) is otherwise one core
// encoding, then one core writing.
type ahead struct {
	done []chan struct{}
	errs []error
	next atomic.Int64
	stop atomic.Bool
	wg   sync.WaitGroup
}

// encodeAhead starts encoding rows 0..n-1 with fn, in chunks taken in
// order; each worker has its own jsonText.
func encodeAhead(n int, fn func(jt *jsonText, i int) error) *ahead {
	chunks := (n + aheadChunk - 1) / aheadChunk
	a := &ahead{done: make([]chan struct{}, chunks), errs: make([]error, chunks)}
	for c := range a.done {
		a.done[c] = make(chan struct{})
	}
	workers := min(runtime.GOMAXPROCS(0), chunks)
	for range workers {
		a.wg.Go(func() {
			jt := newJSONText()
			for {
				c := int(a.next.Add(1) - 1)
				if c >= chunks {
					return
				}
				if !a.stop.Load() {
					for i := c * aheadChunk; i < min(n, (c+1)*aheadChunk); i++ {
						if err := fn(jt, i); err != nil {
							a.errs[c] = err
							break
						}
					}
				}
				close(a.done[c])
			}
		})
	}
	return a
}

// wait blocks until row i is encoded and returns the error of its chunk.
func (a *ahead) wait(i int) error {
	c := i / aheadChunk
	<-a.done[c]
	return a.errs[c]
}

// close stops the workers (the rest of the rows are not needed after a
// failed write) and waits for them, so that nothing writes into the
// commit's buffers after Commit returns.
func (a *ahead) close() {
	a.stop.Store(true)
	a.wg.Wait()
}

// commitTexts are the JSON columns of a commit: the exported values and
// members of each upserted object, then the body of each record.
type commitTexts struct {
	*ahead
	exported, members, bodies []string
}

// encodeCommit starts encoding c's JSON columns ahead of the writer.
// Objects whose values were never read (pending) need none.
func encodeCommit(c Commit) *commitTexts {
	t := &commitTexts{exported: make([]string, len(c.Upsert)), members: make([]string, len(c.Upsert)),
		bodies: make([]string, len(c.Records))}
	t.ahead = encodeAhead(len(c.Upsert)+len(c.Records), func(jt *jsonText, i int) error {
		if i >= len(c.Upsert) {
			r := &c.Records[i-len(c.Upsert)]
			b, err := jt.text(r)
			if err != nil {
				return fmt.Errorf("commit log record %s: %w", r.ID, err)
			}
			t.bodies[i-len(c.Upsert)] = b
			return nil
		}
		o := c.Upsert[i]
		if o.pending {
			return nil
		}
		exp := o.Exported
		if exp == nil {
			exp = map[string]any{}
		}
		ej, err := jt.text(exp)
		if err != nil {
			return fmt.Errorf("commit object %s %s: %w", o.Kind, o.SourceID, err)
		}
		mem := o.Members
		if mem == nil {
			mem = []string{}
		}
		mj, err := jt.text(mem)
		if err != nil {
			return fmt.Errorf("commit object %s %s: %w", o.Kind, o.SourceID, err)
		}
		t.exported[i], t.members[i] = ej, mj
		return nil
	})
	return t
}
