package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// Signals. SIGTERM is handled as SIGINT: both end the command with
// ExitInterrupted. The first one cancels the command's context (its
// cause a *signalError): commands stop what they were doing. The job
// commands (cycle, run, provision) send their requests with workContext
// instead, which only a second signal cancels, so that the objects in
// flight finish and their log records are saved (engine.Options.Interrupt
// is the first signal). After the second signal the default action is
// back: a third one ends the process at once.

// signalError is the cause of the command context's cancellation.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return "interrupted by " + signalName(e.sig) }

// signalName is SIGINT or SIGTERM.
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

type abortKey struct{}

// notifySignals returns a context cancelled by the first SIGINT or
// SIGTERM, carrying a channel (abortKey) closed by the second one; stop
// restores the default handling.
func notifySignals(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	abort := make(chan struct{})
	ctx = context.WithValue(ctx, abortKey{}, (<-chan struct{})(abort))
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			cancel(&signalError{sig: s})
		case <-done:
			return
		}
		select {
		case <-sigs:
			close(abort)
			signal.Stop(sigs)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// interruptedBy names the signal that cancelled ctx, "" if none did.
func interruptedBy(ctx context.Context) string {
	var se *signalError
	if errors.As(context.Cause(ctx), &se) {
		return signalName(se.sig)
	}
	return ""
}

// workContext is the context a job command sends its requests with: not
// cancelled by the first signal (cmdCtx's), only by the second one, so
// that the objects in flight finish.
func workContext(cmdCtx context.Context) (context.Context, context.CancelFunc) {
	work, cancel := context.WithCancel(context.WithoutCancel(cmdCtx))
	if abort, ok := cmdCtx.Value(abortKey{}).(<-chan struct{}); ok {
		go func() {
			select {
			case <-abort:
				cancel()
			case <-work.Done():
			}
		}()
	}
	return work, cancel
}
