use strict;
use warnings;

# One JSON module, chosen when Plivo::PHLO loads: Cpanel::JSON::XS when it is installed, else
# JSON::PP (PLIVO_PHLO_JSON=JSON::PP forces it). For every answer the service gives the Perl data
# is the same either way: this test decodes numbers, strings and shapes of those answers with
# both and compares values and types (a JSON number must stay a Perl number and a JSON string a
# Perl string), directly and through the client. Numbers the service never sends (20 digits or
# more, exponents) are decoded by the chosen module as it decodes them, text after text.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use B ();
use JSON::PP ();

use SimHelper qw(:all);
use Plivo::PHLO;

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $have_xs = eval { require Cpanel::JSON::XS; 1 };
my $forced_pp = ($ENV{PLIVO_PHLO_JSON} // '') eq 'JSON::PP';

subtest 'which decoder is in use' => sub {
    my $want = $have_xs && !$forced_pp ? 'Cpanel::JSON::XS' : 'JSON::PP';
    is(Plivo::PHLO::FFI::json_backend(), $want, "json_backend is $want");
    my $inc = join ' ', map { "-I$_" } "$FindBin::Bin/../lib";
    local $ENV{PLIVO_PHLO_JSON} = 'JSON::PP';
    my $got = `$^X $inc -MPlivo::PHLO -e "print Plivo::PHLO::FFI::json_backend()"`;
    is($got, 'JSON::PP', 'PLIVO_PHLO_JSON=JSON::PP forces JSON::PP');
};

# What a decoded value is: a reference's shape, or for a scalar whether it is a number (and which)
# or a string, with its exact bits.
sub shape {
    no warnings 'recursion';
    my ($v) = @_;
    if (ref $v eq 'HASH')  { return { map { $_ => shape($v->{$_}) } keys %$v } }
    if (ref $v eq 'ARRAY') { return [ map { shape($_) } @$v ] }
    if (ref $v)            { return ref($v) . ':' . (0 + !!$v) }
    return 'undef' unless defined $v;
    my $f = B::svref_2object(\$v)->FLAGS;
    return 'str:' . $v if ($f & B::SVf_POK) && !($f & (B::SVf_IOK | B::SVf_NOK));
    return 'int:' . $v if $f & B::SVf_IOK;
    return 'num:' . unpack('H*', pack('F', $v));
}

my $PP = JSON::PP->new->utf8->allow_nonref;

# Decodes $text with the module's decoder and with JSON::PP; returns true when they agree.
sub same_as_pp {
    my ($text) = @_;
    my $a = Plivo::PHLO::FFI::decode_json_text($text);
    my $b = $PP->decode($text);
    my ($sa, $sb) = (shape($a), shape($b));
    return JSON::PP->new->canonical->encode([$sa]) eq JSON::PP->new->canonical->encode([$sb]);
}

my $tried = 0;
my @diff;
sub check_text {
    my ($text) = @_;
    $tried++;
    push @diff, $text unless same_as_pp($text);
}

subtest 'numbers of the kinds answers hold: the same value and type' => sub {
    srand(20240514);
    my $digits = sub { my $n = shift; my $s = 1 + int rand 9; $s .= int rand 10 for 2 .. $n; $s };
    # The edges by hand: signed zero, fractions, the largest integers of 18 digits.
    check_text("[$_]") for qw(0 -0 0.0 -0.0 1 -1 1.0 1.5 0.1 9007199254740993 999999999999999999
      -999999999999999999 3.141592653589793);
    for (1 .. 20_000) {
        my $sign = rand() < 0.3 ? '-' : '';
        my $t = rand() < 0.5 ? $sign . $digits->(1 + int rand 18)
          : $sign . $digits->(1 + int rand 9) . '.' . $digits->(1 + int rand 6);
        check_text(rand() < 0.5 ? "[$t]" : qq({"n":$t,"s":"x"}));
    }
    is(scalar @diff, 0, "$tried numbers decoded alike") or diag(JSON::PP->new->ascii->encode([ @diff[ 0 .. ($#diff < 9 ? $#diff : 9) ] ]));
};

subtest 'other numbers: the chosen module decodes every text' => sub {
    my $json = Plivo::PHLO::FFI::json_backend() eq 'JSON::PP' ? $PP : Cpanel::JSON::XS->new->utf8->allow_nonref;
    for my $t (qw(1e15 1E-3 18446744073709551616 -9223372036854775809 123456789012345678901234567890 1e300)) {
        my ($a, $b) = (Plivo::PHLO::FFI::decode_json_text("[$t]"), $json->decode("[$t]"));
        is(JSON::PP->new->canonical->encode(shape($a)), JSON::PP->new->canonical->encode(shape($b)), "$t as "
            . Plivo::PHLO::FFI::json_backend() . ' decodes it');
    }
};

subtest 'strings, escapes, non-characters, shapes' => sub {
    @diff = ();
    my $before = $tried;
    my @atoms = ('a', '\"', '\\\\', '\/', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u00e9', '\u2603',
        '\ud83d\udcde', "\xc3\xa9", "\xe2\x98\x83", "\xf0\x9f\x93\x9e", ' ', '\u001f', '\uFFFF', '\uFDD0',
        '\uFEFF', "\xef\xbf\xbf", "\xef\xb7\x90", "\xf4\x8f\xbf\xbf", "\x7f", '12345678901234567890');
    srand(7);
    for (1 .. 5_000) {
        my $s = join '', map { $atoms[ rand @atoms ] } 1 .. (1 + int rand 8);
        check_text(qq({"k":"$s","k":[true,false,null,{"":"$s","n":[1,-2.5,{}]}]}));
    }
    check_text($_) for '{}', '[]', '""', 'true', 'null', '{"a":1,"a":"1"}', '{"a":{"a":{"a":[[[[]]]]}}}',
      '[' x 100 . ']' x 100, qq({"api_id":"x","pad":"${\ ('x' x 1_000_000)}"});
    is(scalar @diff, 0, ($tried - $before) . ' texts decoded alike (repeated keys: the last wins)')
      or diag(JSON::PP->new->ascii->encode([ map { substr($_, 0, 200) } @diff[ 0 .. ($#diff < 4 ? $#diff : 4) ] ]));
    my $d = Plivo::PHLO::FFI::decode_json_text('{"t":true,"f":false}');
    isa_ok($d->{t}, 'JSON::PP::Boolean', 'true');
    isa_ok($d->{f}, 'JSON::PP::Boolean', 'false');
    ok(!eval { Plivo::PHLO::FFI::decode_json_text('{"a":'); 1 }, 'invalid JSON dies');
};

subtest 'through the client: results decoded alike' => sub {
    my $sim = SimHelper->start;
    my $client = $sim->client(max_retries => 0);
    my @bodies = (
        '{"api_id":"a","n":123456789012345678,"m":-42,"f":1.0,"z":-0,"g":0.25}',
        qq({"api_id":"b","s":"\\uFFFF \x{FFFF} \x{10FFFF} \\ud83d\\udcde \x{1F4DE}","dup":1,"dup":2}),
        '{"api_id":"c","deep":[[[[[{"x":[true,false,null]}]]]]]}',
    );
    for my $body (@bodies) {
        $sim->reset;
        $sim->fault({ kind => 'raw_body', body => $body });
        my $r = $client->raw(GET => "/v1/phlo/$P");
        my $bytes = $body;
        utf8::encode($bytes);
        ok($client->last_body eq $bytes, 'the core passed the body on verbatim');
        is_deeply(shape($r), shape($PP->decode($bytes)), "decoded as JSON::PP decodes it: $r->{api_id}");
    }
};

diag(sprintf 'answers decoded with %s; %d JSON texts compared with JSON::PP', Plivo::PHLO::FFI::json_backend(), $tried);
is_deeply(\@warnings, [], 'no warnings') or diag explain \@warnings;
done_testing;
