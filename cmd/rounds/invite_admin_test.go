package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestInviteCreate(t *testing.T) {
	host := fedFreeHost(t)
	in := fedStart(t, host, fedDB(t, "a"))
	link := in.admin("invite", "create", "--role", "member", "--uses", "2", "--expires", "3d")
	if !strings.HasPrefix(link, "http://"+host+"/auth/invite/") {
		t.Fatalf("invite link %q", link)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d, want the registration form", link, resp.StatusCode)
	}
	for _, bad := range [][]string{{"--expires", "soon"}, {"--uses", "0"}, {"--role", "wizard"}} {
		var out, errb bytes.Buffer
		args := append([]string{"admin", "invite", "create", "--database", in.db}, bad...)
		if code := run(context.Background(), args, env{stdout: &out, stderr: &errb}); code != exitUsage || out.Len() != 0 {
			t.Errorf("invite create %v: exit %d, stdout %q; want 2 and nothing printed", bad, code, out.String())
		}
	}
}
