package ratelimit

import (
	"testing"
	"time"
)

func TestFailures(t *testing.T) {
	l := NewFailures(3, time.Minute)
	now := time.Unix(1000, 0)
	for range 3 {
		if blocked, _ := l.Blocked("ip", now); blocked {
			t.Fatal("blocked before the limit")
		}
		l.Fail("ip", now)
	}
	blocked, until := l.Blocked("ip", now)
	if !blocked || !until.Equal(now.Add(time.Minute)) {
		t.Fatalf("after 3 failures: blocked=%v until=%v", blocked, until)
	}
	if b, _ := l.Blocked("other", now); b {
		t.Fatal("another key is blocked")
	}
	if b, _ := l.Blocked("ip", now.Add(time.Minute)); b {
		t.Fatal("still blocked after the window")
	}
	l.Fail("mail", now)
	l.Fail("mail", now)
	l.Fail("mail", now)
	l.Reset("mail")
	if b, _ := l.Blocked("mail", now); b {
		t.Fatal("a success did not clear the key")
	}
}
