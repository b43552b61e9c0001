package notifica

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
	"time"
)

func TestSecretEqual(t *testing.T) {
	want := digest("correct horse")
	for _, tc := range []struct {
		got  string
		want int
	}{
		{"correct horse", 1},
		{"correct hors", 0},
		{"correct horse ", 0},
		{"", 0},
		{"Correct horse", 0},
	} {
		if r := secretEqual(tc.got, want); r != tc.want {
			t.Errorf("secretEqual(%q) = %d, want %d", tc.got, r, tc.want)
		}
	}
	creds := []credential{{digest("a"), digest("1")}, {digest("b"), digest("2")}}
	if !matchPair(creds, "b", "2") || matchPair(creds, "a", "2") || matchPair(creds, "b", "1") {
		t.Error("matchPair must match id and secret of the same credential")
	}
}

// TestAuthUsesConstantTimeCompare guards the authentication code: secrets
// are compared through secretEqual (crypto/subtle on SHA-256 digests) only.
// It fails if auth.go compares two non-literal operands with == or != (other
// than against nil, a literal or len(…)), calls bytes.Equal, strings.Compare
// or strings.EqualFold on two non-literal operands, or if secretEqual stops
// calling subtle.ConstantTimeCompare.
func TestAuthUsesConstantTimeCompare(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "auth.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	harmless := func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.BasicLit:
			return true
		case *ast.Ident:
			return e.Name == "nil"
		case *ast.CallExpr:
			id, ok := e.Fun.(*ast.Ident)
			return ok && id.Name == "len"
		}
		return false
	}
	usesSubtle := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if (n.Op == token.EQL || n.Op == token.NEQ) && !harmless(n.X) && !harmless(n.Y) {
				t.Errorf("%s: comparison that may not be constant-time in auth.go", fset.Position(n.Pos()))
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			switch pkg.Name + "." + sel.Sel.Name {
			case "bytes.Equal", "strings.EqualFold", "strings.Compare", "bytes.Compare", "reflect.DeepEqual":
				if len(n.Args) == 2 && !harmless(n.Args[0]) && !harmless(n.Args[1]) {
					t.Errorf("%s: %s.%s on non-literal operands in auth.go", fset.Position(n.Pos()), pkg.Name, sel.Sel.Name)
				}
			case "subtle.ConstantTimeCompare":
				usesSubtle = true
			}
		}
		return true
	})
	if !usesSubtle {
		t.Error("auth.go does not call subtle.ConstantTimeCompare")
	}
}

func TestCanonicalPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/":                 true,
		"/a/b":              true,
		"/a/b/":             true,
		"/a%2Fb":            true,
		"":                  false,
		"a/b":               false,
		"//a":               false,
		"/a//b":             false,
		"/a/./b":            false,
		"/a/../b":           false,
		"/a/..":             false,
		"/.":                false,
		"/ricevute/x/y/n/a": true,
	} {
		if got := canonicalPath(p); got != want {
			t.Errorf("canonicalPath(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestMemoryDeduplicatorExpiry(t *testing.T) {
	now := time.Date(2024, 5, 17, 10, 0, 0, 0, time.UTC)
	d := NewMemoryDeduplicator()
	d.now = func() time.Time { return now }
	ctx := context.Background()
	for _, k := range []string{"a", "b"} {
		c, err := d.Begin(ctx, k)
		if err != nil || c.Done {
			t.Fatalf("Begin(%s) = %+v, %v", k, c, err)
		}
		_ = c.Release(ctx, true)
		now = now.Add(time.Hour)
	}
	now = now.Add(MemoryRetention - 90*time.Minute) // a is older than the retention, b is not
	c, _ := d.Begin(ctx, "b")
	if !c.Done {
		t.Error("b forgotten too early")
	}
	if d.Len() != 1 {
		t.Errorf("Len = %d after expiry, want 1", d.Len())
	}
	c, _ = d.Begin(ctx, "a")
	if c.Done {
		t.Error("a remembered after the retention")
	}
}
