package Plivo::PHLO::FFI;

# The binding proper: finds libphlo, attaches its functions with FFI::Platypus (API 2) and turns
# one operation call into C types and back. Nothing here validates PHLO data; that is the core's
# job (convention 6). What stays in Perl is only what C strings cannot express.

use strict;
use warnings;

use Carp ();
use Cwd ();
use B ();
use Scalar::Util ();
use overload ();
use File::Spec ();
use File::Basename ();
use FFI::Platypus 2.00;
use MIME::Base64 ();

use Plivo::PHLO::Error;

our $VERSION = '0.1.0';

# ---------------------------------------------------------------------------------------------
# Finding the library
# ---------------------------------------------------------------------------------------------

our $LIB_FILE =
    $^O eq 'darwin'  ? 'libphlo.dylib'
  : $^O eq 'MSWin32' ? 'phlo.dll'
  :                    'libphlo.so';

# The repository root when this file is the checkout's perl/lib/Plivo/PHLO/FFI.pm (it has the
# workspace's Cargo.toml and crates/phlo-ffi); undef for an installed copy.
sub _repo_root {
    # abs_path resolves '..' (as in -I t/../lib) and symlinks, so the walk up is exact.
    my $here = Cwd::abs_path(__FILE__) // File::Spec->rel2abs(__FILE__);
    my $dir  = File::Basename::dirname($here);    # .../perl/lib/Plivo/PHLO
    for (1 .. 4) { $dir = File::Basename::dirname($dir) }
    return -f File::Spec->catfile($dir, 'Cargo.toml') && -d File::Spec->catdir($dir, 'crates', 'phlo-ffi')
      ? $dir
      : undef;
}

# Where the distribution's `make install` puts libphlo (as XS modules put their .so): in
# auto/Plivo/PHLO/ of an @INC directory. Beside it, libphlo.location names a libphlo found by
# pkg-config when the distribution was built against an installed one.
sub _installed {
    my ($tried) = @_;
    my @dirs = grep { defined && !ref } @INC;
    for my $inc (@dirs) {
        my $auto = File::Spec->catdir($inc, 'auto', 'Plivo', 'PHLO');
        my $p = File::Spec->catfile($auto, $LIB_FILE);
        return $p if -f $p;
        my $loc = File::Spec->catfile($auto, 'libphlo.location');
        if (-f $loc && open my $fh, '<', $loc) {
            chomp(my $path = <$fh> // '');
            close $fh;
            return $path if length $path && -f $path;
            push @$tried, "$path (named by $loc, missing)";
        }
    }
    push @$tried, "auto/Plivo/PHLO/$LIB_FILE in \@INC";
    return undef;
}

# Returns the path of libphlo, or dies with one message naming every place that was searched.
# The order: PLIVO_PHLO_LIB; in a checkout, its build directories; the copy installed with the
# module (or the one it was built against); the system library path.
sub find_library {
    my @tried;
    if (defined(my $env = $ENV{PLIVO_PHLO_LIB})) {
        return $env if length $env && -f $env;
        # A set variable is a decision: do not silently fall back to another build.
        Carp::croak("libphlo not found: PLIVO_PHLO_LIB is set to '$env', which is not a file. "
              . "Unset it to search the installed module and the system library path, "
              . "or point it at a built $LIB_FILE");
    }
    push @tried, 'the environment variable PLIVO_PHLO_LIB (not set)';

    if (defined(my $root = _repo_root())) {
        my @targets;
        push @targets, $ENV{CARGO_TARGET_DIR} if defined $ENV{CARGO_TARGET_DIR} && length $ENV{CARGO_TARGET_DIR};
        push @targets, File::Spec->catdir($root, 'target');
        my @build;
        for my $t (@targets) {
            for my $profile (qw(release debug)) {
                my $p = File::Spec->catfile($t, $profile, $LIB_FILE);
                return $p if -f $p;
                push @build, $p;
            }
        }
        push @tried, 'the build directories ' . join(', ', @build);
    }

    my $installed = _installed(\@tried);
    return $installed if defined $installed;

    my $system;
    if (eval { require FFI::CheckLib; 1 }) {
        ($system) = FFI::CheckLib::find_lib(lib => 'phlo');
    }
    else {
        ($system) = FFI::Platypus->new(api => 2)->find_lib(lib => 'phlo');
    }
    return $system if defined $system;
    push @tried, 'the system library path (' . $LIB_FILE . ' via the dynamic loader)';

    Carp::croak("libphlo not found; searched " . join('; ', @tried)
          . ". Install the Plivo-PHLO distribution (perl Makefile.PL && make && make install "
          . "builds libphlo with cargo and installs it beside the module), "
          . "set PLIVO_PHLO_LIB to the path of $LIB_FILE, or install libphlo on the system library path");
}

# ---------------------------------------------------------------------------------------------
# Attaching the C functions
# ---------------------------------------------------------------------------------------------

our $LIBRARY;    # the path actually loaded
my $ffi;

sub _load {
    return if $ffi;
    $LIBRARY = find_library();
    $ffi = Plivo::PHLO::FFI::Platypus->new(api => 2, lib => [$LIBRARY]);
    # Every C symbol is phlo_<name>; bind under the short name (FFI-Platypus-Lang-Rust style).
    $ffi->mangler(sub { "phlo_$_[0]" });

    $ffi->type('object(Plivo::PHLO::FFI::Handle)' => 'phlo_client');
    $ffi->type('sint32' => 'phlo_status');

    # Owned char* results are taken as opaque and handed back to phlo_string_free: never
    # Platypus's `string` return type, which would copy the bytes and leak the original.
    $ffi->attach([client_new => '_client_new'] => [ 'string', 'string', 'string', 'opaque*' ] => 'phlo_status');
    $ffi->attach([client_call => '_client_call'] =>
          [ 'phlo_client', 'string', 'string', 'opaque*', 'uint16*' ] => 'phlo_status');
    # The string-only path: parameter names and values as two parallel arrays of C strings
    # (const char *const *), each passed as a buffer of pointers made by pack('p*') (see
    # client_call_strings). Not Platypus's string[] type: it copies the strings onto the C
    # stack, and an 8 MiB value (t/04-bad-input.t) crashed perl with SIGSEGV.
    $ffi->attach([client_call_strings => '_client_call_strings'] =>
          [ 'phlo_client', 'string', 'string', 'string', 'size_t', 'opaque*', 'uint16*' ] => 'phlo_status');
    $ffi->attach([client_free => 'Plivo::PHLO::FFI::Handle::_free'] => ['opaque'] => 'void');
    $ffi->attach([last_error_json => '_last_error_json'] => []         => 'opaque');
    $ffi->attach([string_free     => '_string_free']     => ['opaque'] => 'void');
    # These three return static strings owned by the library: copying them is right.
    $ffi->attach([status_name     => '_status_name']     => ['phlo_status'] => 'string');
    $ffi->attach([version         => '_version']         => []              => 'string');
    $ffi->attach([operations_json => '_operations_json'] => []              => 'string');
    $ffi->attach_cast('_opaque_to_bytes', 'opaque', 'string');
    return;
}

# Copies an owned C string into a Perl byte string and frees the original. NULL gives undef.
sub _take_string {
    my ($ptr) = @_;
    return undef unless $ptr;
    my $bytes = _opaque_to_bytes($ptr);
    _string_free($ptr);
    return $bytes;
}

# ---------------------------------------------------------------------------------------------
# JSON and errors
# ---------------------------------------------------------------------------------------------

# Bytes out (UTF-8), characters in. Canonical so requests are reproducible in logs and tests.
# Requests are always encoded with JSON::PP: which Perl values become JSON numbers and which
# strings (run_phlo's payload keeps its types) is JSON::PP's rule, and the documented one.
# JSON::PP is loaded when first needed (a request on the full path, an answer only it decodes,
# or no Cpanel::JSON::XS): loading it costs ~15 ms, more than the rest of `use Plivo::PHLO`
# beyond FFI::Platypus, and a program whose calls all take the fast path never needs it.
my ($JSON, $JSON_DECODE);

sub _json_pp_decoder {
    $JSON_DECODE //= do { require JSON::PP; JSON::PP->new->utf8->allow_nonref };
}

# Answers (results, last-error records) are decoded with Cpanel::JSON::XS when it is installed
# (about 50 times faster than JSON::PP: ~2 us instead of ~100 us for a typical body), unless
# PLIVO_PHLO_JSON=JSON::PP. For every text the core passes on (serde_json has checked it is
# valid JSON) both give the same Perl data, except for numbers that are large or have an exponent
# (found by comparing them on random numbers): a 20-digit integer above 2**64 is a number (NV) for
# JSON::PP and a string for Cpanel::JSON::XS, -9223372036854775809 likewise, and 1e15 is an NV
# (printing "1e+15") for JSON::PP but an integer (printing "1000000000000000") for
# Cpanel::JSON::XS. A text holding such a number therefore goes to JSON::PP (the service's
# answers have none), so the data is identical whichever decoder is installed
# (t/11-json-backends.t).
my $JSON_DECODE_XS;
our $JSON_BACKEND = 'JSON::PP';
if (($ENV{PLIVO_PHLO_JSON} // '') ne 'JSON::PP'
    && eval { require Cpanel::JSON::XS; Cpanel::JSON::XS->VERSION('4.0'); 1 }
    && Cpanel::JSON::XS->can('allow_dupkeys'))
{
    # allow_dupkeys: the last of a repeated key wins, as with JSON::PP (and serde_json).
    $JSON_DECODE_XS = Cpanel::JSON::XS->new->utf8->allow_nonref->allow_dupkeys;
    $JSON_BACKEND = 'Cpanel::JSON::XS';
}

sub json {
    $JSON //= do { require JSON::PP; JSON::PP->new->utf8->canonical->allow_nonref(0)->convert_blessed };
}

# The options of phlo_client_new: a flat hash of strings and finite numbers that
# Plivo::PHLO::new has made plain (strings by _stringish, numbers by arithmetic, -0 as 0), for
# which both modules write the same JSON text; so the decoder's module writes it, and making a
# client does not load JSON::PP.
my $OPTIONS_XS;
sub _encode_options {
    return json()->encode($_[0]) unless $JSON_DECODE_XS;
    return ($OPTIONS_XS //= Cpanel::JSON::XS->new->utf8->canonical)->encode($_[0]);
}

# The decoder of answers actually in use: 'Cpanel::JSON::XS' or 'JSON::PP'.
sub json_backend { $JSON_BACKEND }

# UTF-8 JSON text -> Perl data; dies on invalid JSON.
# The texts JSON::PP must decode: a number token (after the start, ':', '[' or ',') with 19 or
# more digits in a row or with an exponent. Digits and e's inside strings (UUIDs: "4e7f") do not
# count, so the service's usual answers go to Cpanel::JSON::XS.
# Written as two patterns, each with a cheap start (one alternation with \A makes Perl's regex
# engine try every position: ~42k instructions per answer instead of ~8k), and tried only when
# the text has a number token at all (what the answers of actions never have: ~5k).
my $PP_ONLY_IN    = qr/[:\[,]\s*-?(?:[0-9]{19}|[0-9]+(?:\.[0-9]+)?[eE])/;
my $PP_ONLY_START = qr/\A\s*-?(?:[0-9]{19}|[0-9]+(?:\.[0-9]+)?[eE])/;

# True when $_[0] must be decoded by JSON::PP (see above). A text that starts with "{" (every
# answer of the core) cannot start with a number, so the start-of-text test is skipped for it.
sub _pp_only {
    return ($_[0] =~ /[:\[,][\s-]*[0-9]/ && $_[0] =~ $PP_ONLY_IN)
      || (ord $_[0] != 123 && $_[0] =~ /\A[\s-]*[0-9]/ && $_[0] =~ $PP_ONLY_START);
}

# Which decoder decode_json_text uses for $text.
sub decoder_for { $JSON_DECODE_XS && !_pp_only($_[0]) ? 'Cpanel::JSON::XS' : 'JSON::PP' }

sub decode_json_text {
    # $_[0], not a copy: an answer may be large, and this runs on every call. `&_pp_only`
    # hands this @_ on as it is (no new argument list).
    if ($JSON_DECODE_XS && !&_pp_only) {
        # Cpanel::JSON::XS warns (a default-on warning) on a non-character such as U+FFFF in a
        # string; JSON::PP does not, and a body may hold one. Nothing here warns.
        no warnings 'utf8';    # nonchar, surrogate, non_unicode
        return $JSON_DECODE_XS->decode($_[0]);
    }
    return ($JSON_DECODE // _json_pp_decoder())->decode($_[0]);
}

# The failure recorded by the library for this thread, as a Plivo::PHLO::Error object.
sub _error_from_status {
    my ($status) = @_;
    my $text = _take_string(_last_error_json());
    my $info = {};
    if (defined $text) {
        my $d = eval { decode_json_text($text) };
        $info = $d if ref $d eq 'HASH';
    }
    my $name = _status_name($status);
    my $kind = $info->{kind};
    if (!defined $kind || !length $kind) {
        ($kind = lc($name // 'unknown')) =~ s/^phlo_//;
    }
    return Plivo::PHLO::Error->new(
        kind           => $kind,
        code           => $status,
        status_name    => $info->{status_name} // $name,
        message        => $info->{message} // "libphlo call failed with $name",
        status         => $info->{status},
        api_id         => $info->{api_id},
        field          => $info->{field},
        body           => $info->{body},
        retry_after_ms => $info->{retry_after_ms},
        attempts       => $info->{attempts},
    );
}

sub invalid {
    my ($field, $message) = @_;
    return Plivo::PHLO::Error->new(
        kind    => 'invalid_argument',
        code    => 1,
        message => defined $field ? "$field: $message" : $message,
        field   => $field,
    );
}

use constant _MALFORMED => 'is not valid UTF-8 (a malformed Perl string: the UTF-8 flag is on but the bytes are not UTF-8)';

# True for a string whose UTF-8 flag is on but whose bytes are not UTF-8.
sub _malformed { utf8::is_utf8($_[0]) && !utf8::valid($_[0]) }

# True for a number (not a string) that is Inf, -Inf or NaN: JSON has no such number, and
# JSON::PP would write it as a bare word, which is not JSON.
sub _nonfinite {
    my $f = B::svref_2object(\$_[0])->FLAGS;
    return 0 unless ($f & B::SVp_NOK) && !($f & B::SVp_POK);
    my $v = $_[0];
    return $v != $v || $v == 9**9**9 || $v == -9**9**9;
}

# What in a JSON-valued parameter (run_phlo's payload, raw's body) JSON cannot carry, found
# before JSON::PP sees it: a non-finite number or a malformed string (a value or a key), as a
# reason, or undef. Deeper than JSON::PP's nesting limit it stops: JSON::PP reports that itself
# (also for a structure that contains itself).
sub json_value_problem {
    no warnings 'recursion';    # as deep as 512; JSON::PP's own limit
    my ($v, $depth) = @_;
    $depth //= 0;
    return undef if $depth > 512;
    my $r = ref $v;
    if ($r eq 'HASH') {
        for my $k (keys %$v) {
            return 'has a key that ' . _MALFORMED if _malformed($k);
            my $why = json_value_problem($v->{$k}, $depth + 1);
            return $why if defined $why;
        }
        return undef;
    }
    if ($r eq 'ARRAY') {
        for my $e (@$v) {
            my $why = json_value_problem($e, $depth + 1);
            return $why if defined $why;
        }
        return undef;
    }
    return undef if $r || !defined $v;
    return "holds the number $v, which JSON cannot represent" if _nonfinite($v);
    return 'holds a string that ' . _MALFORMED if _malformed($v);
    return undef;
}

# The invocant of an object method must be an object of $class: anything else (the class name,
# undef, another object) would die with Perl's own "Can't use string as a HASH ref", not a typed
# error. Returns the object.
sub check_self {
    my ($self, $class, $method) = @_;
    return $self if Scalar::Util::blessed($self) && $self->isa($class) && Scalar::Util::reftype($self) eq 'HASH';
    # A string is named only when it is one of this distribution's class names: any other
    # string may be anything, the auth token included, and is not repeated in the message.
    my $what = !defined $self ? 'undef'
      : ref $self ? 'a ' . ref($self) . ' reference'
      : !_malformed($self) && $self =~ /\APlivo::PHLO(?:::[A-Za-z]+)*\z/ ? "the class name $self"
      : 'a string';
    die invalid(undef, "$method must be called on a $class object, not on $what");
}

# A Perl value that must become a C string (credentials, the operation name). undef stays undef
# (NULL) only where the caller allows it; references and NUL bytes cannot be C strings.
sub c_string {
    my ($field, $value, $nullable) = @_;
    if (!defined $value) {
        return undef if $nullable;
        die invalid($field, 'is required (got undef)');
    }
    $value = _stringish($field, $value);
    die invalid($field, 'contains a NUL byte') if index($value, "\0") >= 0;
    utf8::encode($value);    # characters -> UTF-8 bytes (a copy; the caller's value is untouched)
    return $value;
}

# The string value of a scalar, for a parameter that is a string: numbers are stringified
# ("1234"), objects with an overloaded "" stringify, other references are invalid_argument.
# Two things Perl can hold that no string parameter can: the numbers Inf and NaN (which would
# otherwise become the ids "Inf" and "NaN"), and a malformed string (the UTF-8 flag on bytes
# that are not UTF-8, as Encode::_utf8_on can make), which JSON::PP would warn about and choke on.
sub _stringish {
    my ($field, $value) = @_;
    my $r = ref $value;
    if (!$r) {
        die invalid($field, "must be a string, not the number $value") if _nonfinite($value);
        my $s = "$value";
        die invalid($field, _MALFORMED) if _malformed($s);
        return $s;
    }
    if (Scalar::Util::blessed($value) && overload::Method($value, '""')) {
        my $s = "$value";
        die invalid($field, _MALFORMED) if _malformed($s);
        return $s;
    }
    die invalid($field, 'must be a string, not ' . ($r =~ /\A[AEIOU]/ ? 'an' : 'a') . " $r reference");
}

# ---------------------------------------------------------------------------------------------
# The auth token, kept out of errors
# ---------------------------------------------------------------------------------------------

# libphlo scrubs the token (and the Basic credential) from the errors it reports, but not from
# everything (t/10-secrets.t found two gaps: an api_id the service echoes back, and the quote of
# a body cut short inside the token, which leaves its first characters). So the Perl layer
# scrubs every error once more. What it needs is kept here, in a lexical keyed by the handle's
# pointer: never in the client object, so Data::Dumper of a client shows no secret.
my %SECRETS;    # pointer => [ token (characters), base64 of "auth_id:token" ]

# The secrets for a client made from these C-string arguments (undef: the environment's).
sub _secrets {
    my ($auth_id, $auth_token) = @_;
    my $id  = defined $auth_id    ? $auth_id    : $ENV{PLIVO_AUTH_ID};
    my $tok = defined $auth_token ? $auth_token : $ENV{PLIVO_AUTH_TOKEN};
    return undef unless defined $tok && length $tok;
    my ($id_bytes, $tok_bytes, $tok_chars) = ($id // '', $tok, $tok);
    utf8::encode($id_bytes) if utf8::is_utf8($id_bytes);
    utf8::encode($tok_bytes) if utf8::is_utf8($tok_bytes);
    utf8::decode($tok_chars) unless utf8::is_utf8($tok_chars);
    return [ $tok_chars, MIME::Base64::encode_base64("$id_bytes:$tok_bytes", '') ];
}

sub _forget_secrets { delete $SECRETS{ $_[0] } }

# Replaces in the error's texts the Basic credential, the token, and what is left of the token
# where a quote was cut short (8 or more of its first or last characters) with "***". Linear in
# the text, whatever the token's length.
sub _scrub {
    my ($e, $secrets) = @_;
    return $e unless $secrets && Scalar::Util::blessed($e) && $e->isa('Plivo::PHLO::Error');
    my ($token, $basic) = @$secrets;
    for my $k (qw(message body api_id field)) {
        my $v = $e->{$k};
        next unless defined $v && !ref $v && length $v;
        my $out = _scrub_text(_scrub_text($v, $basic, 0), $token, 1);
        $e->{$k} = $out if $out ne $v;
    }
    return $e;
}

# $text with every occurrence of $secret replaced by "***"; with $pieces, also every run of 8 or
# more characters that starts like $secret (a prefix) or ends like it (a suffix).
sub _scrub_text {
    my ($text, $secret, $pieces) = @_;
    my $len = length $secret;
    return $text if !$len || index($text, substr($secret, 0, $pieces && $len > 8 ? 8 : $len)) < 0
      && !($pieces && $len > 8 && index($text, substr($secret, -8)) >= 0);
    if (!$pieces || $len <= 8) {
        my ($out, $pos) = ('', 0);
        while ((my $i = index($text, $secret, $pos)) >= 0) {
            $out .= substr($text, $pos, $i - $pos) . '***';
            $pos = $i + $len;
        }
        return $out . substr($text, $pos);
    }
    # Prefixes: from each occurrence of the first 8 characters, as far as the secret goes on.
    my ($head, $out, $pos) = (substr($secret, 0, 8), '', 0);
    while ((my $i = index($text, $head, $pos)) >= 0) {
        my $n = 8;
        $n++ while $n < $len && $i + $n < length($text) && substr($text, $i + $n, 1) eq substr($secret, $n, 1);
        $out .= substr($text, $pos, $i - $pos) . '***';
        $pos = $i + $n;
    }
    $text = $out . substr($text, $pos);
    # Suffixes: back from each occurrence of the last 8 characters.
    my $tail = substr($secret, -8);
    ($out, $pos) = ('', 0);
    while ((my $i = index($text, $tail, $pos)) >= 0) {
        my $n = 8;
        $n++ while $n < $len && $i - ($n - 8) > $pos && substr($text, $i - ($n - 7), 1) eq substr($secret, -($n + 1), 1);
        $out .= substr($text, $pos, $i - ($n - 8) - $pos) . '***';
        $pos = $i + 8;
    }
    return $out . substr($text, $pos);
}

# ---------------------------------------------------------------------------------------------
# Handles and calls
# ---------------------------------------------------------------------------------------------

# Creates a phlo_client; returns a Plivo::PHLO::FFI::Handle or dies with the library's error.
sub client_new {
    my ($auth_id, $auth_token, $options) = @_;
    _load();
    my $opts = defined $options ? _encode_options($options) : undef;
    my $ptr;
    # libphlo starts its network I/O thread with SIGPIPE blocked (the core does it), so a
    # connection the service closes mid-write is an error, never a signal that kills perl.
    my $rc = eval { _client_new($auth_id, $auth_token, $opts, \$ptr) };
    my $err = $@;
    die $err unless defined $rc;
    my $secrets = _secrets($auth_id, $auth_token);
    die _scrub(_error_from_status($rc), $secrets) if $rc != 0;
    die invalid(undef, 'phlo_client_new succeeded but returned NULL') unless $ptr;
    $SECRETS{$ptr} = $secrets if $secrets;
    return Plivo::PHLO::FFI::Handle->_wrap($ptr);
}

# Runs one named operation. $params is a hash reference already translated to JSON-ready
# values. Returns (decoded result, HTTP status, raw JSON text) or dies with a Plivo::PHLO::Error.
sub client_call {
    my ($handle, $operation, $params) = @_;
    my $params_json = eval { json()->encode($params) };
    if (!defined $params_json) {
        (my $why = $@ || 'unknown reason') =~ s/ at \S+ line \d+\.?\s*\z//;
        # Name the parameter that JSON cannot hold (a code ref, a glob, an object without TO_JSON).
        my ($field) = grep { !eval { json()->encode([ $params->{$_} ]); 1 } } sort keys %$params;
        die invalid($field // 'params', "cannot be encoded as JSON: $why");
    }
    my ($out, $http) = (undef, 0);
    my $rc = _client_call($handle, $operation, $params_json, \$out, \$http);
    die _scrub(_error_from_status($rc), $SECRETS{$$handle}) if $rc != 0;
    return _answer($out, $http);
}

# Runs one named operation whose parameters are all strings, with no JSON on the way in:
# phlo_client_call_strings with $names (array of parameter names) and $values (their values:
# byte strings, already UTF-8; undef = not given), as many of each. The caller has checked the
# values are plain strings without NUL. Returns and dies as client_call.
#
# The two arrays are pack('p*') buffers: the addresses of the string buffers of the elements of
# @$names and @$values themselves (undef packs as NULL). That is safe because those elements
# stay alive and untouched until the call returns (the caller holds both arrays; nothing else
# runs meanwhile), and libphlo only reads them during the call. pack('p') forces each element to
# a plain string of its own first (a number gets its string form, a copy-on-write string its own
# buffer), so it must be given the caller's own copies, never a caller's variables: the
# values arrays of Plivo::PHLO are built for each call. In scalar context returns the result
# alone (see _answer). With $client (a Plivo::PHLO), also sets
# its last_status and last_body, as Plivo::PHLO::call does (after a failure: the error's status
# and undef).
sub client_call_strings {
    my ($handle, $operation, $names, $values, $client) = @_;
    my ($out, $http) = (undef, 0);
    my $rc = _client_call_strings($handle, $operation, pack('p*', @$names), pack('p*', @$values),
        scalar @$names, \$out, \$http);
    if ($rc != 0) {
        my $e = _scrub(_error_from_status($rc), $SECRETS{$$handle});
        @{$client}{qw(last_status last_body)} = ($e->{status}, undef) if $client;
        die $e;
    }
    return _answer($out, $http, $client);
}

# A successful call's owned JSON text (freed here) -> (decoded result, HTTP status, text), or in
# scalar context the result alone (no copies of the text to return). With $client (a
# Plivo::PHLO), also sets its last_status and last_body (undef on a decode failure). The text is
# '' when the service answered 2xx with no body: a success with no fields, so the result is an
# empty hash (the core's rule, in every language).
sub _answer {
    my ($out, $http, $client) = @_;
    my ($text, $result);
    if ($out) {
        $text = _opaque_to_bytes($out);
        _string_free($out);
        $result = length $text ? eval { decode_json_text($text) } : {};
    }
    if (ref $result ne 'HASH') {
        # The core guarantees a JSON object on success; this is a defence, not a path.
        @{$client}{qw(last_status last_body)} = ($http, undef) if $client;
        die Plivo::PHLO::Error->new(
            kind    => 'decode',
            message => 'libphlo returned a result that is not a JSON object',
            status  => $http,
            body    => $text,
        );
    }
    @{$client}{qw(last_status last_body)} = ($http, $text) if $client;
    return wantarray ? ($result, $http, $text) : $result;
}

sub status_name { _load(); _status_name($_[0]) }
sub version     { _load(); _version() }

my $operations;
sub operations {
    _load();
    $operations //= decode_json_text(_operations_json());
    return $operations;
}

# ---------------------------------------------------------------------------------------------

package Plivo::PHLO::FFI::Platypus;

# FFI::Platypus's DESTROY dlcloses its libraries. A new Perl ithread gets a clone of every
# object, and that clone's DESTROY (when the thread ends) would dlclose libphlo once more: after
# a few threads the library is unloaded under the attached functions and perl crashes. Not
# cloning the instance keeps exactly one owner of the library handle for the process.
# For the same reason this instance never dlcloses libphlo: during global destruction objects
# are destroyed in no particular order, and a handle's DESTROY (phlo_client_free) may run after
# this one. The library stays loaded for the life of the process, as its attached functions need.
our @ISA = ('FFI::Platypus');
sub CLONE_SKIP { 1 }
sub DESTROY    { }

# ---------------------------------------------------------------------------------------------

package Plivo::PHLO::FFI::Handle;

# A blessed scalar holding the phlo_client pointer: what Platypus's object(Class) type passes to
# C. phlo_client_free is bound as _free and called from DESTROY, with one guard the plain binding
# lacks: a child made by fork() shares the pointer but not the threads behind it (libphlo runs
# an async runtime), so only the process that created a handle frees it.

our %OWNER;    # pointer => pid that created it

sub _wrap {
    my ($class, $ptr) = @_;
    $OWNER{$ptr} = $$;
    return bless \$ptr, $class;
}

# A new Perl ithread gets no copy of a handle (it would be freed twice); see Plivo::PHLO::call.
sub CLONE_SKIP { 1 }

sub DESTROY {
    my $self = shift;
    my $ptr  = $$self or return;
    my $pid  = delete $OWNER{$ptr};
    Plivo::PHLO::FFI::_forget_secrets($ptr);
    $$self = 0;
    _free($ptr) if defined $pid && $pid == $$;
    return;
}

1;

__END__

=head1 NAME

Plivo::PHLO::FFI - the libphlo binding under Plivo::PHLO (internal)

=head1 DESCRIPTION

Loads libphlo with L<FFI::Platypus> (API 2) and exposes the few calls L<Plivo::PHLO> is made of.
Not a public interface; use L<Plivo::PHLO>. It is documented for maintainers.

The library is searched, in order:

=over 4

=item 1. C<$ENV{PLIVO_PHLO_LIB}>, the path of the library file. When set it must exist; there is
no fallback.

=item 2. F<target/release> and then F<target/debug> of C<$ENV{CARGO_TARGET_DIR}> (if set) and of
the repository this module lives in (found from the module's own path).

=item 3. The system library path, through L<FFI::CheckLib> (C<find_lib(lib =E<gt> 'phlo')>).

=back

When none has it, loading dies with a message naming all three.

=head1 FUNCTIONS

=head2 find_library

Returns the path of the library that would be loaded, or dies naming every place searched.

=head2 client_new

    my $handle = Plivo::PHLO::FFI::client_new($auth_id_bytes, $token_bytes, \%options);

Wraps C<phlo_client_new>. Returns a L</Plivo::PHLO::FFI::Handle> whose C<DESTROY> calls
C<phlo_client_free>. Dies with a L<Plivo::PHLO::Error>.

=head2 client_call

    my ($hashref, $http_status, $json_text) = Plivo::PHLO::FFI::client_call($handle, $op, \%params);

Wraps C<phlo_client_call>: encodes the parameters as JSON, calls, copies the returned body and
frees it with C<phlo_string_free>, decodes it. On failure reads C<phlo_last_error_json> (also
freed) and dies with a L<Plivo::PHLO::Error>.

=head2 client_call_strings

    my ($hashref, $http_status, $json_text) =
        Plivo::PHLO::FFI::client_call_strings($handle, $op, \@names, \@values);

Wraps C<phlo_client_call_strings>: the parameter names and their values (UTF-8 byte strings
without NUL; undef leaves a parameter out) as two arrays of C strings, no JSON encoding. Both
arrays must have the same length and be the caller's own (their elements are forced to plain
strings and pointed at during the call). Returns and dies exactly as L</client_call>.

=head2 c_string

    my $bytes = Plivo::PHLO::FFI::c_string($field, $value, $nullable);

Turns a Perl value into UTF-8 bytes for a C string parameter; undef (unless nullable), references
without string overloading and NUL bytes are C<invalid_argument>.

=head2 check_self

    my $self = Plivo::PHLO::FFI::check_self($self, $class, $method);

Returns C<$self> when it is a hash-based object of C<$class>; otherwise dies with an
C<invalid_argument> error saying C<$method> must be called on such an object (so a method called
on the class name, or on something else, fails with a typed error and not Perl's own).

=head2 json_value_problem

    my $why = Plivo::PHLO::FFI::json_value_problem($payload);

For a JSON-valued parameter (C<payload>, C<body>): a reason JSON cannot carry it (a number that
is C<Inf> or C<NaN>, a malformed Perl string as a value or key), or undef. L<JSON::PP> itself
reports the rest (code references, objects without C<TO_JSON>, nesting deeper than 512).

=head2 invalid

    die Plivo::PHLO::FFI::invalid($field, $message);

An C<invalid_argument> error for a problem found by the Perl layer.

=head2 json

The shared L<JSON::PP> encoder (UTF-8, canonical). Requests are always encoded with it; it is made
(and L<JSON::PP> loaded) at its first use.

=head2 json_backend

The decoder of answers in use: C<Cpanel::JSON::XS> when that module (4.0 or later) is installed,
else C<JSON::PP>. Setting C<PLIVO_PHLO_JSON=JSON::PP> before the module is loaded forces
L<JSON::PP>. Both give the same Perl data for every answer (the texts where they differ, holding a long integer or a number
with an exponent, are always decoded by L<JSON::PP>).

=head2 decoder_for

    my $class = Plivo::PHLO::FFI::decoder_for($utf8_json_text);

Which decoder L</decode_json_text> uses for this text: C<JSON::PP> when it holds a number with 19
or more digits or an exponent (or when Cpanel::JSON::XS is not in use), else C<Cpanel::JSON::XS>.

=head2 decode_json_text

    my $data = Plivo::PHLO::FFI::decode_json_text($utf8_json_text);

Decodes UTF-8 JSON text with the decoder above; dies on invalid JSON. Never warns.

=head2 operations

The decoded C<phlo_operations_json()>: an array of C<{name, params, optional, doc}>.

=head2 status_name

C<phlo_status_name($code)>, e.g. C<PHLO_NOT_FOUND>.

=head2 version

C<phlo_version()>.

=head1 Plivo::PHLO::FFI::Handle

The C<object(Plivo::PHLO::FFI::Handle)> type: a blessed scalar holding the C<phlo_client>
pointer. C<DESTROY> frees it with C<phlo_client_free>, only in the process that created it (a
forked child leaves its parent's handle alone).

=cut
