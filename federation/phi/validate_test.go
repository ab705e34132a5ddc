package phi

import "testing"

func TestValidNHS(t *testing.T) {
	for v, want := range map[string]bool{
		"9434765919":   true, // the NHS Digital example
		"943 476 5919": true,
		"943-476-5919": true,
		"4010232137":   true,
		"9434765918":   false, // wrong check digit
		"9434765960":   false, // remainder 1: check digit would be 10, never issued
		"0000000000":   false, // passes the sum, but no one has it
		"943476591":    false,
		"94347659199":  false,
		"943476591x":   false,
	} {
		if got := validNHS(v); got != want {
			t.Errorf("validNHS(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestValidSSN(t *testing.T) {
	for v, want := range map[string]bool{
		"795-20-2824": true,
		"795 20 2824": true,
		"795202824":   true,
		"795-20 2824": false, // mixed delimiters
		"000-12-3456": false, // area 000
		"666-12-3456": false, // area 666
		"912-12-3456": false, // area 900-999 (ITINs)
		"795-00-2824": false, // group 00
		"795-20-0000": false, // serial 0000
		"078-05-1120": false, // the Woolworth card
		"219-09-9999": false,
		"123-45-6789": false,
		"111-11-1111": false,
		"79520282":    false,
	} {
		if got := validSSN(v); got != want {
			t.Errorf("validSSN(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestValidNPI(t *testing.T) {
	for v, want := range map[string]bool{
		"1234567893":  true, // the CMS example
		"1875004743":  true,
		"1234567890":  false,
		"3234567893":  false, // must start with 1 or 2
		"123456789":   false,
		"12345678931": false,
		"123456789a":  false,
		"1234 567893": false,
	} {
		if got := ValidNPI(v); got != want {
			t.Errorf("ValidNPI(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestValidDEA(t *testing.T) {
	for v, want := range map[string]bool{
		"AK2154728": true,
		"BT5388853": true,
		"F91234563": true, // a '9' in second place (business registrants)
		"AK2154727": false,
		"IK2154728": false, // I is not a registrant type
		"Ak2154728": false,
		"AK215472":  false,
	} {
		if got := ValidDEA(v); got != want {
			t.Errorf("ValidDEA(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestValidMBI(t *testing.T) {
	for v, want := range map[string]bool{
		"1EG4TE5MK73":   true, // the CMS example
		"1EG4-TE5-MK73": true,
		"8GR5D56TQ12":   true,
		"0EG4TE5MK73":   false, // first character 1-9
		"1SG4TE5MK73":   false, // S never used
		"1EG4TE5MK7":    false,
		"1EG4TE-5MK73":  false,
		"1eg4te5mk73":   false,
	} {
		if got := validMBI(v); got != want {
			t.Errorf("validMBI(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestValidVIN(t *testing.T) {
	for v, want := range map[string]bool{
		"1M8GDM9AXKP042788": true, // check digit X
		"11111111111111111": false,
		"1M8GDM9A1KP042788": false,
		"1M8GDM9AXKP04278":  false,
		"1M8GDM9AXKP04278O": false, // O is not allowed
	} {
		if got := validVIN(v); got != want {
			t.Errorf("validVIN(%q) = %v, want %v", v, got, want)
		}
	}
}
