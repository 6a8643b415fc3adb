package framework

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRequestContextHonoursSpecDeadline(t *testing.T) {
	now := time.Now()
	ctx, cancel := requestContext(now, time.Minute, now.Add(2*time.Second))
	defer cancel()
	if d, _ := ctx.Deadline(); !d.Equal(now.Add(2 * time.Second)) {
		t.Errorf("deadline %v: the spec timeout should cut the request timeout", d)
	}
	ctx2, cancel2 := requestContext(now, time.Second, time.Time{})
	defer cancel2()
	if d, _ := ctx2.Deadline(); !d.Equal(now.Add(time.Second)) {
		t.Errorf("deadline %v without a spec deadline", d)
	}
}

func TestStartTargetWithoutStarterIsUnavailable(t *testing.T) {
	startersMu.Lock()
	saved := starters
	starters = map[TargetKind]Starter{}
	startersMu.Unlock()
	defer func() { startersMu.Lock(); starters = saved; startersMu.Unlock() }()

	_, _, err := StartTarget(context.Background(), &Config{Target: TargetEmbedded})
	if !errors.Is(err, ErrTargetUnavailable) {
		t.Errorf("err = %v, want ErrTargetUnavailable", err)
	}
	tg, stop, err := StartTarget(context.Background(), &Config{Target: TargetURL, TenantURL: "http://127.0.0.1:1/scim", Token: "t", AdminToken: "a", AdminURL: "http://127.0.0.1:1", AccountID: "x"})
	if err != nil || tg.Admin == nil || tg.Admin.AccountID != "x" || tg.Token != "t" {
		t.Errorf("url target: %+v %v", tg, err)
	}
	stop()
}
