package Plivo::PHLO::FFI;

# The binding proper: finds libphlo, attaches its functions with FFI::Platypus (API 2), turns
# Perl values into C strings or JSON and the answers back into Perl data. Nothing here validates
# PHLO data, names an operation or an option, or keeps a secret: the core does all of that for
# every language. What stays in Perl is what only Perl values can get wrong (references, numbers
# that are not finite, malformed strings) and the one JSON module, chosen once.

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
    # These return static strings owned by the library: copying them is right.
    $ffi->attach([status_name     => '_status_name']     => ['phlo_status'] => 'string');
    $ffi->attach([version         => '_version']         => []              => 'string');
    $ffi->attach([operations_json => '_operations_json'] => []              => 'string');
    $ffi->attach([options_json    => '_options_json']    => []              => 'string');
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

# One JSON module for everything, chosen when the module loads: Cpanel::JSON::XS (4.0 or later)
# when it is installed, about fifty times faster at decoding an answer, else JSON::PP from the
# core distribution; PLIVO_PHLO_JSON=JSON::PP forces JSON::PP. Bytes out (UTF-8), characters in;
# canonical, so that requests are reproducible in logs and tests; repeated keys: the last wins,
# as with serde_json. The two agree on every answer the service gives; they differ only on
# numbers it never sends (20-digit integers, exponents), documented in Plivo::PHLO.
our $JSON_BACKEND;
my $JSON = do {
    if (($ENV{PLIVO_PHLO_JSON} // '') ne 'JSON::PP'
        && eval { require Cpanel::JSON::XS; Cpanel::JSON::XS->VERSION('4.0'); 1 })
    {
        $JSON_BACKEND = 'Cpanel::JSON::XS';
        Cpanel::JSON::XS->new->utf8->canonical->allow_nonref->allow_dupkeys->convert_blessed;
    }
    else {
        require JSON::PP;
        $JSON_BACKEND = 'JSON::PP';
        JSON::PP->new->utf8->canonical->allow_nonref->convert_blessed;
    }
};

# The JSON module in use: 'Cpanel::JSON::XS' or 'JSON::PP'.
sub json_backend { $JSON_BACKEND }

# The shared encoder and decoder.
sub json { $JSON }

# UTF-8 JSON text -> Perl data; dies on invalid JSON. Never warns: Cpanel::JSON::XS warns on a
# non-character such as U+FFFF in a string, which a body may hold.
sub decode_json_text {
    no warnings 'utf8';
    return $JSON->decode($_[0]);
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

# ---------------------------------------------------------------------------------------------
# Perl values the core cannot be handed as they are
# ---------------------------------------------------------------------------------------------

use constant _MALFORMED => 'is not valid UTF-8 (a malformed Perl string: the UTF-8 flag is on but the bytes are not UTF-8)';

# True for a string whose UTF-8 flag is on but whose bytes are not UTF-8.
sub _malformed { utf8::is_utf8($_[0]) && !utf8::valid($_[0]) }

# True for a number (not a string) that is Inf, -Inf or NaN: JSON has no such number, and its
# string form ("Inf") would pass for an id. The public flags: a number keeps them when it has been
# turned into a string on the way (join, print), a string when it has been used as a number.
sub _nonfinite {
    my $f = B::svref_2object(\$_[0])->FLAGS;
    return 0 unless ($f & B::SVf_NOK) && !($f & B::SVf_POK);
    my $v = $_[0];
    return $v != $v || $v == 9**9**9 || $v == -9**9**9;
}

# The text of a value given for a string parameter or an option: a string, a number (its string
# form: 1234 is "1234") or an object with "" overloading (its string). Undef for anything else
# (a reference: the caller sends it as JSON, or refuses it). Dies with invalid_argument naming
# $field for what no text can carry: Inf and NaN, a malformed string.
sub text {
    my ($field, $value) = @_;
    if (ref $value) {
        return undef unless Scalar::Util::blessed($value) && overload::Method($value, '""');
        $value = "$value";
    }
    elsif (_nonfinite($value)) {
        die invalid($field, "must be a string, not the number $value");
    }
    die invalid($field, _MALFORMED) if _malformed($value);
    return "$value";
}

# A Perl value that must become a C string (credentials, the operation name). undef stays undef
# (NULL) only where the caller allows it; references and NUL bytes cannot be C strings.
sub c_string {
    my ($field, $value, $nullable) = @_;
    if (!defined $value) {
        return undef if $nullable;
        die invalid($field, 'is required (got undef)');
    }
    my $s = text($field, $value);
    die invalid($field, 'must be a string, not ' . _a(ref $value) . ' reference') unless defined $s;
    die invalid($field, 'contains a NUL byte') if index($s, "\0") >= 0;
    utf8::encode($s);    # characters -> UTF-8 bytes
    return $s;
}

sub _a { ($_[0] =~ /\A[AEIOU]/ ? 'an ' : 'a ') . $_[0] }

# What in a JSON value (a run's payload, a raw body) JSON cannot carry, found before it is
# encoded: a non-finite number, a malformed string (a value or a key), or a reference that is
# neither a hash, an array nor an object that converts itself (TO_JSON); as a reason, or undef.
# Deeper than 512 levels it stops: the encoder refuses that itself (and a structure that holds
# itself).
sub json_value_problem {
    no warnings 'recursion';
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
    if ($r) {
        # JSON's booleans, and objects that convert themselves, are what both encoders write.
        return undef if Scalar::Util::blessed($v)
          && ($v->isa('JSON::PP::Boolean') || $v->can('TO_JSON') || overload::Method($v, '""'));
        return 'holds ' . _a($r) . ' reference, which is not JSON';
    }
    return undef unless defined $v;
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
      : ref $self ? _a(ref $self) . ' reference'
      : !_malformed($self) && $self =~ /\APlivo::PHLO(?:::[A-Za-z]+)*\z/ ? "the class name $self"
      : 'a string';
    die invalid(undef, "$method must be called on a $class object, not on $what");
}

# ---------------------------------------------------------------------------------------------
# Handles and calls
# ---------------------------------------------------------------------------------------------

# Creates a phlo_client from C-string credentials (undef: from the environment) and a hash of
# option values (text); returns a Plivo::PHLO::FFI::Handle or dies with the library's error.
sub client_new {
    my ($auth_id, $auth_token, $options) = @_;
    _load();
    my $ptr;
    # libphlo starts its network I/O thread with SIGPIPE blocked (the core does it), so a
    # connection the service closes mid-write is an error, never a signal that kills perl.
    my $rc = _client_new($auth_id, $auth_token, $JSON->encode($options), \$ptr);
    die _error_from_status($rc) if $rc != 0;
    die invalid(undef, 'phlo_client_new succeeded but returned NULL') unless $ptr;
    return Plivo::PHLO::FFI::Handle->_wrap($ptr);
}

# Runs one named operation with a hash of parameters already translated (text, or JSON values),
# as JSON. Returns the decoded result or dies with a Plivo::PHLO::Error. With $client (a
# Plivo::PHLO), also sets its last_status and last_body (after a failure: the error's status and
# undef).
sub client_call {
    my ($handle, $operation, $params, $client) = @_;
    my $params_json = eval { $JSON->encode($params) };
    if (!defined $params_json) {
        (my $why = $@ || 'unknown reason') =~ s/ at \S+ line \d+\.?\s*\z//;
        # Name the parameter the encoder refused (nested too deep, or holding itself).
        my ($field) = grep { !eval { $JSON->encode([ $params->{$_} ]); 1 } } sort keys %$params;
        die invalid($field // 'params', "cannot be encoded as JSON: $why");
    }
    my ($out, $http) = (undef, 0);
    my $rc = _client_call($handle, $operation, $params_json, \$out, \$http);
    return _answer($out, $http, $rc, $client);
}

# Runs one named operation whose parameters are all strings, with no JSON on the way in:
# phlo_client_call_strings with $names (parameter names) and $values (their values: UTF-8 byte
# strings without NUL; undef, packed as NULL, leaves a parameter out), as many of each. Returns
# and dies as client_call.
#
# The two arrays are pack('p*') buffers: the addresses of the string buffers of the elements of
# @$names and @$values themselves. That is safe because those elements stay alive and untouched
# until the call returns (the caller holds both arrays; nothing else runs meanwhile), and
# libphlo only reads them during the call. pack('p') forces each element to a plain string of
# its own first, so it must be given the caller's own copies, never a caller's variables.
sub client_call_strings {
    my ($handle, $operation, $names, $values, $client) = @_;
    my ($out, $http) = (undef, 0);
    my $rc = _client_call_strings($handle, $operation, pack('p*', @$names), pack('p*', @$values),
        scalar @$names, \$out, \$http);
    return _answer($out, $http, $rc, $client);
}

# A call's outcome: on failure ($rc not 0) the library's error, died with; on success the owned
# JSON text (freed here) decoded. Sets $client's last_status and last_body when given.
sub _answer {
    my ($out, $http, $rc, $client) = @_;
    if ($rc != 0) {
        my $e = _error_from_status($rc);
        @{$client}{qw(last_status last_body)} = ($e->{status}, undef) if $client;
        die $e;
    }
    my $text = $out ? _opaque_to_bytes($out) : undef;
    _string_free($out) if $out;
    # '' when the service answered 2xx with no body: a success with no fields, so the result is
    # an empty hash (the core's rule, in every language).
    my $result = !defined $text ? undef : length $text ? _decode_answer($text) : {};
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
    return $result;
}

# The answer's text decoded. The core hands on only a JSON object, so a failure here is almost
# always not the decoder's: a %SIG handler (an alarm, say) that died while the text was being
# decoded, its die caught by the eval. That die is rethrown as itself, never turned into
# another error: if the text decodes on a second try, the first failure was the handler's.
sub _decode_answer {
    my ($text) = @_;
    my $result = eval { no warnings 'utf8'; $JSON->decode($text) };
    return $result if defined $result;
    my $died = $@;
    my $again = eval { no warnings 'utf8'; $JSON->decode($text) };
    die $died if defined $again;
    return undef;
}

sub status_name { _load(); _status_name($_[0]) }
sub version     { _load(); _version() }

my ($operations, $options);

# The core's table of operations (phlo_operations_json), decoded once.
sub operations {
    _load();
    $operations //= decode_json_text(_operations_json());
    return $operations;
}

# The core's table of client options (phlo_options_json), decoded once.
sub options {
    _load();
    $options //= decode_json_text(_options_json());
    return $options;
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
# C. phlo_client_free is bound as _free and called from DESTROY. A child made by fork() may use
# and free its copy: libphlo opens the child's own connections and never touches the parent's.

sub _wrap {
    my ($class, $ptr) = @_;
    return bless \$ptr, $class;
}

# A new Perl ithread gets no copy of a handle (it would be freed twice); see Plivo::PHLO::call.
sub CLONE_SKIP { 1 }

sub DESTROY {
    my $self = shift;
    my $ptr  = $$self or return;
    $$self = 0;
    _free($ptr);
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

Wraps C<phlo_client_new> with the options as a JSON object. Returns a
L</Plivo::PHLO::FFI::Handle> whose C<DESTROY> calls C<phlo_client_free>. Dies with a
L<Plivo::PHLO::Error>.

=head2 client_call

    my $hashref = Plivo::PHLO::FFI::client_call($handle, $op, \%params, $client);

Wraps C<phlo_client_call>: encodes the parameters as JSON, calls, copies the returned body and
frees it with C<phlo_string_free>, decodes it. On failure reads C<phlo_last_error_json> (also
freed) and dies with a L<Plivo::PHLO::Error>. With C<$client> (a L<Plivo::PHLO>), also sets its
C<last_status> and C<last_body>.

=head2 client_call_strings

    my $hashref = Plivo::PHLO::FFI::client_call_strings($handle, $op, \@names, \@values, $client);

Wraps C<phlo_client_call_strings>: the parameter names and their values (UTF-8 byte strings
without NUL; undef leaves a parameter out) as two arrays of C strings, no JSON encoding. Both arrays must have the same length
and be the caller's own (their elements are forced to plain strings and pointed at during the
call). Returns and dies exactly as L</client_call>.

=head2 text

    my $string = Plivo::PHLO::FFI::text($field, $value);

The string form of a value given where the core takes text (a parameter, an option): strings,
numbers and objects with C<""> overloading; undef for any other reference. Dies with
C<invalid_argument> naming C<$field> for C<Inf>, C<NaN> and malformed strings.

=head2 c_string

    my $bytes = Plivo::PHLO::FFI::c_string($field, $value, $nullable);

L</text> as UTF-8 bytes for a C string parameter; undef (unless nullable), references without
string overloading and NUL bytes are C<invalid_argument>.

=head2 check_self

    my $self = Plivo::PHLO::FFI::check_self($self, $class, $method);

Returns C<$self> when it is a hash-based object of C<$class>; otherwise dies with an
C<invalid_argument> error saying C<$method> must be called on such an object (so a method called
on the class name, or on something else, fails with a typed error and not Perl's own).

=head2 json_value_problem

    my $why = Plivo::PHLO::FFI::json_value_problem($payload);

For a JSON-valued parameter (C<payload>, C<body>): a reason JSON cannot carry it (a number that
is C<Inf> or C<NaN>, a malformed Perl string as a value or key, a reference that is not JSON),
or undef.

=head2 invalid

    die Plivo::PHLO::FFI::invalid($field, $message);

An C<invalid_argument> error for a problem found by the Perl layer.

=head2 json, json_backend

The one JSON encoder and decoder, and its module: C<Cpanel::JSON::XS> (4.0 or later) when
installed, else C<JSON::PP>; C<PLIVO_PHLO_JSON=JSON::PP> set before the module is loaded forces
L<JSON::PP>.

=head2 decode_json_text

    my $data = Plivo::PHLO::FFI::decode_json_text($utf8_json_text);

Decodes UTF-8 JSON text; dies on invalid JSON. Never warns.

=head2 operations, options

The decoded C<phlo_operations_json()> and C<phlo_options_json()>: the core's tables.

=head2 status_name

C<phlo_status_name($code)>, e.g. C<not_found>.

=head2 version

C<phlo_version()>.

=head1 Plivo::PHLO::FFI::Handle

The C<object(Plivo::PHLO::FFI::Handle)> type: a blessed scalar holding the C<phlo_client>
pointer. C<DESTROY> frees it with C<phlo_client_free> (in a forked child too: libphlo leaves the
parent's connections alone there). A new ithread gets no copy (C<CLONE_SKIP>).

=cut
