package activitypub
import ("testing";"fmt")
func TestAdversarial(t *testing.T){
 c := `"@context":"https://www.w3.org/ns/activitystreams",`
 base := `"id":"https://x.example/1","actor":"https://x.example/u",`
 for _, s := range []string{
  `{`+c+base+`"type":[]}`, `{`+c+base+`"type":[5]}`, `{"@context":null,`+base+`"type":"Like"}`,
  `{`+c+`"id":null,"actor":[],"type":"Like","object":[]}`, `{`+c+base+`"type":"Like","to":{},"cc":[{}],"published":{}}`,
  `{`+c+base+`"type":"Create","object":{"type":"Note","tag":{"type":"Mention","href":5},"url":[{"type":"Link"}],"content":[null],"summary":{"x":1}}}`,
  `{`+c+base+`"type":"Update","object":{"type":"Person","publicKey":{"type":"Note"},"inbox":[],"icon":[],"image":{"type":"Image"},"preferredUsername":[1],"discoverable":null}}`,
  `{`+c+base+`"type":"Mention"}`, `{`+c+base+`"type":"Link","href":"https://x.example/"}`,
  `{`+c+base+`"type":"Update","object":{"type":"Person","publicKey":{"type":"PublicKey","owner":5,"publicKeyPem":5}}}`,
  `{`+c+base+`"type":"Create","object":{"type":"Note","contentMap":{"en":"a","de":"b"},"summaryMap":5}}`,
  `{`+c+base+`"type":"Create","object":{"type":"Note","attributedTo":[{"type":"Person"},"https://x.example/u"]}}`,
  `{`+c+base+`"type":"Like","object":null}`,
  `{`+c+base+`"type":"Like","object":[null]}`,
  `{`+c+base+`"type":"Like","object":{"type":"Mention","href":"https://x"}}`,
  `{`+c+base+`"type":"Create","object":{"type":"Note","inReplyTo":{"type":"Link","href":"https://x"}}}`,
 } {
  a, err := ParseActivity([]byte(s)); fmt.Printf("%s\n  -> err=%v\n", s, err); if a != nil { fmt.Printf("  %+v obj=%+v\n", *a, a.Object); if a.Object != nil && a.Object.Person != nil { fmt.Printf("  person=%+v\n", *a.Object.Person) } }
  p, err := ParseActor([]byte(s)); _ = p
  KeyFromDocument([]byte(s), "https://x.example/1")
 }
}
