// Package activitypub converts between ActivityStreams JSON and plain Go values.
//
// Documents we serve and send are built with go-fed/activity's streams package and
// then patched where go-fed v1.0.0 falls short of what Mastodon and its peers expect
// (go-fed guide §2.3, §2.5): the @context is replaced with ours, Mastodon's extension
// properties go in as unknown properties or map patches.
//
// Documents peers send are resolved with streams.ToType, read through its typed
// accessors where v1.0.0 has types, and through the raw JSON map where it does not
// (Hashtag tags, sensitive, endpoints, PropertyValue fields, bare "Public").
//
// The package does no I/O and touches no storage; it is the only place besides
// federation/signature that imports go-fed, because linking streams costs every test
// binary about a second and 20 MB (DESIGN §3).
package activitypub
