package request

import (
	"errors"
	"strings"
	"testing"
)

func TestCardFieldsAreRefusedAtAnyDepth(t *testing.T) {
	refused := []struct{ name, body, field string }{
		{"card number", `{"card_number":"x"}`, "/card_number"},
		{"camel case", `{"cardNumber":"x"}`, "/cardNumber"},
		{"dashes and capitals", `{"Card-Number":"x"}`, "/Card-Number"},
		{"cvv", `{"amount":1,"cvv":"123"}`, "/cvv"},
		{"nested expiry", `{"payment":{"method":"manual","exp_month":12}}`, "/payment/exp_month"},
		{"inside an array", `{"items":[{"sku":"a"},{"CVC":"1"}]}`, "/items/1/CVC"},
		{"escaped name", `{"c\u0061rd_number":"x"}`, "/card_number"},
		{"pan", `{"pan":"x"}`, "/pan"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckStructure([]byte(tt.body))
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, errCardField) {
				t.Fatalf("CheckStructure(%s) = %v, want a card-field DecodeError", tt.body, err)
			}
			if de.Field != tt.field || !strings.Contains(de.Error(), "PCI-DSS") {
				t.Errorf("error = field %q, %q; want field %q naming PCI-DSS", de.Field, de.Error(), tt.field)
			}
		})
	}
	allowed := []string{
		`{"text":"my card number is 4111 1111 1111 1111"}`, // values are the redactor's job, not a refusal
		`{"gift_card_code":"GC-1"}`,
		`{"discount":"x","card_type_preference":"none"}`,
		`{"cards":"x","scan":"y","cv":"z"}`,
		`{"` + strings.Repeat("card", 20) + `":1}`,
	}
	for _, body := range allowed {
		if err := CheckStructure([]byte(body)); err != nil {
			t.Errorf("CheckStructure(%s) = %v, want accepted", body, err)
		}
	}
}

func TestIsCardFieldDoesNotAllocate(t *testing.T) {
	name := []byte("Card_Number")
	if n := testing.AllocsPerRun(100, func() { IsCardField(name) }); n != 0 {
		t.Errorf("IsCardField allocates %v times", n)
	}
}
