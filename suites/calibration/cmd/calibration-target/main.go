// Command calibration-target serves one calibration target (a SCIM server
// written on a third-party library) on loopback until interrupted, so the
// suites can be pointed at it by hand:
//
//	go run ./suites/calibration/cmd/calibration-target elimity
//	make conformance SCIM_TENANT_URL=<printed URL> SCIM_TOKEN=<printed token>
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/quantive/entra-scim-harness/suites/calibration"
)

func main() {
	token := flag.String("token", "calibration-token", "bearer token the target accepts")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: calibration-target [--token T] elimity|scimmy")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	var (
		url  string
		stop func()
		err  error
	)
	switch flag.Arg(0) {
	case "elimity":
		url, stop, err = calibration.StartElimity(*token)
	case "scimmy":
		_, file, _, _ := runtime.Caller(0)
		url, stop, err = calibration.StartScimmy(ctx, filepath.Join(filepath.Dir(file), "..", "..", "scimmy"), *token)
	default:
		err = fmt.Errorf("unknown target %q: want elimity or scimmy", flag.Arg(0))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "calibration-target:", err)
		os.Exit(1)
	}
	defer stop()
	fmt.Printf("SCIM_TENANT_URL=%s SCIM_TOKEN=%s\n", url, *token)
	<-ctx.Done()
}
