package reports

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const chromiumPath = "/usr/bin/chromium"

// chromium returns the browser, skipping the test when it is missing unless
// REQUIRE_CHROMIUM=1 (CI installs it with scripts/chromium-up.sh).
func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("REQUIRE_CHROMIUM") == "1" {
			t.Fatalf("REQUIRE_CHROMIUM=1 but %s is missing: run scripts/chromium-up.sh", chromiumPath)
		}
		t.Skipf("%s not installed (run scripts/chromium-up.sh); skipping the headless render check", chromiumPath)
	}
	return chromiumPath
}

// runChromium runs headless chromium with a private profile and no network
// side traffic; the page itself loads nothing but the local file.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\nstderr:\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

func writeSamplePage(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return page
}

func TestHTMLRendersInHeadlessChromium(t *testing.T) {
	bin := chromium(t)
	page := writeSamplePage(t)
	shot := filepath.Join(t.TempDir(), "report.png")
	runChromium(t, bin, "--screenshot="+shot, "--window-size=1280,2000", "file://"+page)

	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot written: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 2000 {
		t.Fatalf("screenshot is %dx%d, want 1280x2000", b.Dx(), b.Dy())
	}
	differing, red := pixelStats(img)
	// Text and tables cover far more than 1% of the page; a blank or
	// unstyled failure page would not.
	if total := 1280 * 2000; differing < total/100 {
		t.Errorf("only %d of %d pixels differ from the white background: the page looks blank", differing, total)
	}
	if red == 0 {
		t.Error("no red pixels: the failed verdict and failed rows should be styled red")
	}
}

// pixelStats counts pixels that differ from the white background and pixels
// of the verdict's failure red (#cf222e, with some tolerance).
func pixelStats(img image.Image) (differing, red int) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r8, g8, b8 := r>>8, g>>8, bl>>8
			if r8 < 250 || g8 < 250 || b8 < 250 {
				differing++
			}
			if r8 > 180 && g8 < 70 && b8 < 80 {
				red++
			}
		}
	}
	return differing, red
}

func TestHTMLDOMInHeadlessChromium(t *testing.T) {
	bin := chromium(t)
	page := writeSamplePage(t)
	dom := string(runChromium(t, bin, "--dump-dom", "file://"+page))
	if !strings.Contains(dom, `<table id="summary">`) {
		t.Fatalf("rendered DOM lacks the summary table:\n%s", dom)
	}
	i := strings.Index(dom, `id="r-ENTRA-FLOW-17/compliant"`)
	if i < 0 {
		t.Fatalf("rendered DOM lacks the failing row ENTRA-FLOW-17/compliant")
	}
	row := dom[i:]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{`class="failed"`, "SystemForCrossDomainIdentityManagementServiceIncompatible", "Accept members"} {
		if !strings.Contains(dom[strings.LastIndex(dom[:i], "<tr"):i]+row, want) {
			t.Errorf("failing row lacks %q: %s", want, row)
		}
	}
	if n := strings.Count(dom, `<tr class="profile">`); n != 4 {
		t.Errorf("summary has %d profile rows, want 4", n)
	}
}
