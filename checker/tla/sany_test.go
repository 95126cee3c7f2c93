package tla

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// sanyUnsupported lists the modules of ../shared/tla/examples that SANY
// accepts (all of them, checked with ../shared/tla/sany on 2026-12-07) and
// the engine refuses, each with the reason: a path and the reason a line.
const sanyUnsupported = "testdata/sany_unsupported.txt"

// TestAcceptsWhatSANYAccepts: the semantic checks reject nothing SANY
// accepts, over the project's spec/ and the tlaplus/Examples modules.
func TestAcceptsWhatSANYAccepts(t *testing.T) {
	t.Setenv("TLA_PATH", absPath(t, libraryPath))
	specs, _ := filepath.Glob("../../spec/*.tla")
	if len(specs) == 0 {
		t.Fatal("no modules in ../../spec")
	}
	for _, f := range specs {
		if _, err := Load(f, LoadOptions{}); err != nil {
			t.Errorf("%s: SANY accepts it, the engine gives: %v", f, err)
		}
	}
	if testing.Short() {
		t.Skip("-short: the examples are not loaded")
	}
	if _, err := os.Stat(examplesDir); err != nil {
		t.Skipf("examples skipped: %s not present (the tlaplus/Examples models live in ../shared beside the repository)", examplesDir)
	}
	rejected := map[string]bool{}
	if f, err := os.Open(sanyUnsupported); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				rejected[strings.Fields(l)[0]] = true
			}
		}
		f.Close()
	}
	var mods []string
	filepath.WalkDir(examplesDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tla") {
			rel, _ := filepath.Rel(examplesDir, p)
			mods = append(mods, rel)
		}
		return nil
	})
	sort.Strings(mods)
	var engineRejects []string
	for _, rel := range mods {
		_, err := Load(filepath.Join(examplesDir, rel), LoadOptions{})
		switch {
		case err != nil && !rejected[rel]:
			t.Errorf("%s: SANY accepts it, the engine gives: %v", rel, err)
		case err == nil && rejected[rel]:
			t.Errorf("%s: listed in %s, but the engine accepts it now: remove it from the list", rel, sanyUnsupported)
		}
		if err != nil {
			engineRejects = append(engineRejects, rel)
		}
	}
	t.Logf("%d modules, %d refused as listed in %s", len(mods), len(engineRejects), sanyUnsupported)
}
