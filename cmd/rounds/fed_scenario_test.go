package main

import (
	"strings"
	"testing"
)

// TestFederationBetweenTwoHospitals drives two real instances on loopback,
// each with its own SQLite file, through the Mastodon API only.
func TestFederationBetweenTwoHospitals(t *testing.T) {
	hostA, hostB := fedFreeHost(t), fedFreeHost(t)
	a := fedStart(t, hostA, fedDB(t, "a"))
	b := fedStart(t, hostB, fedDB(t, "b"))
	alice, dave := a.user("alice", false), a.user("dave", false)
	bob, carol := b.user("bob", false), b.user("carol", true)
	bobAcct, carolAcct, aliceAcct := "bob@"+hostB, "carol@"+hostB, "alice@"+hostA

	// alice@A follows bob@B (unlocked): Accept comes back.
	bobID := alice.resolve(bobAcct)
	alice.do("POST", "/api/v1/accounts/"+bobID+"/follow", nil, nil)
	eventually(t, "alice follows bob", func() bool { return alice.relationship(bobID)["following"] == true })
	eventually(t, "bob is told", func() bool { return hasNotification(bob.notifications(), "follow", aliceAcct) })

	// Locked: alice's request to carol waits for carol's approval.
	carolID := alice.resolve(carolAcct)
	alice.do("POST", "/api/v1/accounts/"+carolID+"/follow", nil, nil)
	if rel := alice.relationship(carolID); rel["requested"] != true || rel["following"] == true {
		t.Fatalf("follow of a locked account: %v", rel)
	}
	var reqs []struct{ ID, Acct string }
	eventually(t, "carol sees the request", func() bool {
		carol.do("GET", "/api/v1/follow_requests", nil, &reqs)
		return len(reqs) == 1 && reqs[0].Acct == aliceAcct
	})
	carol.do("POST", "/api/v1/follow_requests/"+reqs[0].ID+"/authorize", nil, nil)
	eventually(t, "alice follows carol", func() bool { return alice.relationship(carolID)["following"] == true })

	// bob posts: public and followers-only reach alice, not dave; direct reaches
	// only the mentioned.
	pub := bob.post("Public case conference at noon #cardiology", "public")
	bob.post("Followers-only: interesting echo today", "private")
	bob.post("@alice@"+hostA+" direct: can you review this ECG?", "direct")
	eventually(t, "alice sees all three", func() bool {
		h := alice.home()
		return hasContent(h, "case conference") == 1 && hasContent(h, "interesting echo") == 1 && hasContent(h, "review this ECG") == 1
	})
	eventually(t, "alice is mentioned", func() bool { return hasNotification(alice.notifications(), "mention", bobAcct) })
	if h := dave.home(); hasContent(h, "interesting echo")+hasContent(h, "review this ECG")+hasContent(h, "case conference") != 0 {
		t.Fatalf("dave follows nobody but sees bob's posts: %+v", h)
	}

	// Reply, like and boost travel back to bob.
	var local []fedStatus
	alice.do("GET", "/api/v2/search?resolve=true&type=statuses&q=x", nil, nil)
	h := alice.home()
	pubOnA := ""
	for _, s := range h {
		if strings.Contains(s.Content, "case conference") {
			pubOnA = s.ID
		}
	}
	alice.post("@bob@"+hostB+" I'll be there", "public", "in_reply_to_id", pubOnA)
	alice.do("POST", "/api/v1/statuses/"+pubOnA+"/favourite", nil, nil)
	alice.do("POST", "/api/v1/statuses/"+pubOnA+"/reblog", nil, nil)
	eventually(t, "bob hears of the reply, like and boost", func() bool {
		n := bob.notifications()
		return hasNotification(n, "mention", aliceAcct) && hasNotification(n, "favourite", aliceAcct) && hasNotification(n, "reblog", aliceAcct)
	})
	_ = local

	// bob deletes his public post: it leaves alice's home.
	bob.do("DELETE", "/api/v1/statuses/"+pub.ID, nil, nil)
	eventually(t, "the delete reaches A", func() bool { return hasContent(alice.home(), "case conference") == 0 })

	// alice unfollows bob: bob's follower count drops to 0.
	alice.do("POST", "/api/v1/accounts/"+bobID+"/unfollow", nil, nil)
	var bobOnB struct{ ID string }
	bob.do("GET", "/api/v1/accounts/verify_credentials", nil, &bobOnB)
	eventually(t, "bob loses his follower", func() bool {
		var acct struct {
			FollowersCount int `json:"followers_count"`
		}
		bob.do("GET", "/api/v1/accounts/"+bobOnB.ID, nil, &acct)
		return acct.FollowersCount == 0
	})
}

// TestDeliveriesSurviveOutagesAndRestarts stops the receiver while the sender
// delivers, and restarts the sender mid-queue: every post arrives once.
func TestDeliveriesSurviveOutagesAndRestarts(t *testing.T) {
	hostA, hostB := fedFreeHost(t), fedFreeHost(t)
	dbA, dbB := fedDB(t, "a"), fedDB(t, "b")
	a := fedStart(t, hostA, dbA)
	b := fedStart(t, hostB, dbB)
	alice, bob := a.user("alice", false), b.user("bob", false)
	aliceID := bob.resolve("alice@" + hostA)
	bob.do("POST", "/api/v1/accounts/"+aliceID+"/follow", nil, nil)
	eventually(t, "bob follows alice", func() bool { return bob.relationship(aliceID)["following"] == true })

	b.stop()
	for i := range 3 {
		alice.post("while B was down "+string(rune('a'+i)), "public")
	}
	b = fedStart(t, hostB, dbB)
	eventually(t, "all three arrive after B is back", func() bool { return hasContent(bob.home(), "while B was down") == 3 })

	// A posts and stops at once, before its queue can drain; after a restart
	// the queued deliveries go out.
	alice.post("queued before the restart", "public")
	a.stop()
	a = fedStart(t, hostA, dbA)
	eventually(t, "the queued post arrives after A restarts", func() bool { return hasContent(bob.home(), "queued before the restart") == 1 })
	if n := hasContent(bob.home(), "while B was down"); n != 3 {
		t.Fatalf("after restarts bob has %d copies of the outage posts, want 3", n)
	}
	_ = a
}
