package Plivo::PHLO;

# The Perl face of libphlo. Every operation goes through one of two generic calls of the C ABI:
# phlo_client_call_strings(name, names[], values[]) when every parameter given is a plain string
# (the fast path below: no JSON encoding), else phlo_client_call(name, JSON) (run_phlo's payload,
# raw's body, and every argument that needs the full checks). This file only turns Perl
# arguments into one of the two and the answer back into a hash reference.
# The methods are made from the core's own operation table (phlo_operations_json), so a new
# operation in the core is a new method here without Perl code (its POD still has to be added;
# t/07-pod.t fails until it is).

use strict;
use warnings;

use Scalar::Util ();

use Plivo::PHLO::Error;
use Plivo::PHLO::FFI;
use Plivo::PHLO::MultiPartyCall;
use Plivo::PHLO::ConferenceBridge;
use Plivo::PHLO::Member;

our $VERSION = '0.1.0';

# Parameters whose value is JSON (an object), not a string.
my %JSON_VALUED = (payload => 1, body => 1);

# Parameters passed positionally to the node actions; the rest of a node action is named.
my %NODE_ACTION_POSITIONAL = (phlo_id => 1, node_id => 1);

# new() option => [options_json key, how to translate the Perl value]
my %OPTIONS = (
    base_url           => [ base_url           => 'string' ],
    timeout            => [ timeout_ms         => 'seconds' ],
    connect_timeout    => [ connect_timeout_ms => 'seconds' ],
    max_retries        => [ max_retries        => 'integer' ],
    action_retry       => [ action_retry       => 'string' ],
    proxy              => [ proxy              => 'string' ],
    ca_cert_pem        => [ ca_cert_pem        => 'string' ],
    user_agent_suffix  => [ user_agent_suffix  => 'string' ],
    max_response_bytes => [ max_response_bytes => 'integer' ],
);

# The core names an option by its options_json key; the Perl option it came from, for errors.
my %OPTION_OF_KEY = ((map { $OPTIONS{$_}[0] => $_ } keys %OPTIONS), user_agent => 'user_agent_suffix');

sub _invalid { Plivo::PHLO::FFI::invalid(@_) }

# name => value pairs (or one hash reference) into a hash, or invalid_argument.
sub _named {
    my $what = shift;
    if (@_ == 1 && ref $_[0] eq 'HASH') {
        return _named($what, %{ $_[0] });    # the same checks on the names
    }
    if (@_ % 2) {
        die _invalid(undef, "$what: odd number of arguments (" . scalar(@_)
              . "); expected name => value pairs");
    }
    my %h;
    for (my $i = 0; $i < @_; $i += 2) {
        my $k = $_[$i];
        die _invalid(undef, "$what: argument name " . ($i / 2 + 1) . " is undef") unless defined $k;
        die _invalid(undef, "$what: argument name " . ($i / 2 + 1) . " is a reference") if ref $k;
        die _invalid(undef, "$what: argument name " . ($i / 2 + 1) . ' ' . Plivo::PHLO::FFI::_MALFORMED)
          if Plivo::PHLO::FFI::_malformed($k);
        $h{$k} = $_[ $i + 1 ];
    }
    return %h;
}

# The invocant of an object method must be a client (not the class name, not another object):
# anything else would die with Perl's own "Can't use string as a HASH ref", not a typed error.
sub _self { Plivo::PHLO::FFI::check_self($_[0], __PACKAGE__, $_[1]) }

sub new {
    my $class = shift;
    # Plivo::PHLO->new or $client->new (a new client of the same class).
    $class = ref $class if Scalar::Util::blessed($class) && $class->isa(__PACKAGE__);
    die _invalid(undef, 'new is a class method: Plivo::PHLO->new(%options)')
      unless defined $class && !ref $class && !Plivo::PHLO::FFI::_malformed($class) && UNIVERSAL::isa($class, __PACKAGE__);
    my %args = _named('new', @_);
    my $auth_id    = Plivo::PHLO::FFI::c_string('auth_id',    delete $args{auth_id},    1);
    my $auth_token = Plivo::PHLO::FFI::c_string('auth_token', delete $args{auth_token}, 1);
    my %opts;
    for my $name (sort keys %args) {
        my $spec = $OPTIONS{$name}
          or die _invalid($name, 'is not an option of Plivo::PHLO->new; expected one of '
              . join(', ', 'auth_id', 'auth_token', sort keys %OPTIONS));
        my ($key, $type) = @$spec;
        my $v = $args{$name};
        next unless defined $v;    # undef means "the default"
        if ($type eq 'string') {
            $opts{$key} = Plivo::PHLO::FFI::_stringish($name, $v);
        }
        else {
            die _invalid($name, 'must be a number' . ($type eq 'seconds' ? ' of seconds' : ''))
              if ref $v || Plivo::PHLO::FFI::_malformed($v)    # looks_like_number dies on a malformed string
              || !Scalar::Util::looks_like_number($v) || $v != $v || $v == 9**9**9 || $v == -9**9**9;
            # Seconds (fractions allowed, like HTTP::Tiny and LWP) become whole milliseconds.
            $opts{$key} = $type eq 'seconds' ? int($v * 1000 + ($v < 0 ? -0.5 : 0.5)) : $v + 0;
            $opts{$key} = 0 if $opts{$key} == 0;    # -0.0 is 0 (JSON writers differ on it)
        }
    }
    # The User-Agent names the runtime: plivo-phlo/0.1.0 (Perl: 5.36.0).
    $opts{user_agent_suffix} //= sprintf('Perl: %vd', $^V);
    my $handle = eval { Plivo::PHLO::FFI::client_new($auth_id, $auth_token, \%opts) };
    if (!$handle) {
        my $e = $@;
        # The core checked an option under its own name (timeout_ms, user_agent): report it under
        # the name the caller used (timeout, user_agent_suffix).
        my $key = Scalar::Util::blessed($e) && $e->isa('Plivo::PHLO::Error') && $e->kind eq 'invalid_argument' ? $e->field : undef;
        my $name = defined $key ? $OPTION_OF_KEY{$key} : undef;
        if (defined $name && $name ne $key) {
            (my $why = $e->{message}) =~ s/\A\Q$key\E: //;
            $e->{message} = "$name: $why (checked as $key"
              . ($OPTIONS{$name}[1] eq 'seconds' ? ', whole milliseconds' : '') . ')';
            $e->{field} = $name;
        }
        die $e;
    }
    return bless { handle => $handle, pid => $$, last_status => undef, last_body => undef }, $class;
}

# ---------------------------------------------------------------------------------------------
# The fast path: phlo_client_call_strings
# ---------------------------------------------------------------------------------------------
#
# Most calls pass a few plain strings (ids, addresses, a role). For them the full checks below
# (_stringish, _malformed, _nonfinite, _named, check_self) and the JSON encoding of the
# parameters are most of the Perl side's cost. So every method first tries a fast path that
# takes only arguments it can prove need none of that: a client blessed into this class, its
# handle made in this process, known parameter names, and values that are undef (not given) or
# plain ASCII strings or numbers with no NUL, not Inf or NaN and not references. Those go to
# phlo_client_call_strings as they are (ASCII is its own UTF-8). Anything else, even a valid
# value such as a wide character or an object with "" overloading, falls back to the full path
# (which starts over from the caller's arguments), so every typed error and every conversion is
# exactly the full path's: the fast path never reports a problem of its own.

# Per operation whose parameters can all be strings: [ name, \@names, \%slot ] where @names
# are its string parameters in a fixed order and $slot{$name} the index of each. JSON-valued
# parameters (payload, body) have no slot: a call that gives one takes the full path.
my %STRINGS_OP;

# The fast path of each flat method (see _make_method), by operation name: called with the
# method's own arguments, returns the result or undef (nothing sent: take the full path).
my %FAST_METHOD;

sub _strings_table {
    my ($spec) = @_;
    my @names = grep { !$JSON_VALUED{$_} } _param_names($spec);
    # phlo_client_call_strings takes at most 8 pairs; names are plain C strings.
    return undef if @names > 8 || grep { !/\A[a-z_]+\z/ } @names;
    my %slot;
    @slot{@names} = (0 .. $#names);
    return [ $spec->{name}, \@names, \%slot ];
}

# The fast path of the flat method $op (for the node objects, which give their ids as the
# first two arguments): ($client, @arguments) -> result, or undef when it does not apply.
sub _fast_method { $FAST_METHOD{ $_[0] } }

# Sends $vals (one value per name of $t, undef = not given) through phlo_client_call_strings
# when every value is a plain string and $self a usable client; returns the decoded result, or
# undef when the fast path does not apply (nothing was sent; the caller takes the full path).
# Dies only with the core's own errors, the same the full path gets for the same parameters.
sub _fast {
    my ($self, $t, $vals) = @_;
    # The client: this class (or a subclass), hash-based, its handle made by this process (not
    # a forked child's copy; an ithread's clone has no handle, see CLONE_SKIP). Otherwise the
    # full path says what is wrong.
    return undef
      unless (ref $self eq __PACKAGE__ || (Scalar::Util::blessed($self) && $self->isa(__PACKAGE__)))
      && Scalar::Util::reftype($self) eq 'HASH';
    my $handle = $self->{handle};
    return undef if ref $handle ne 'Plivo::PHLO::FFI::Handle' || ($self->{pid} // 0) != $$;
    {
        # The values, joined (undef, not given, as ''): a NUL or a byte above 0x7f (non-ASCII:
        # to be encoded, or a malformed string), the string form of Inf or NaN (a number JSON
        # cannot carry; a string holding it goes the full way too), or a reference (an object
        # may stringify). `use bytes`: the pattern sees a UTF-8-flagged string as its bytes, so
        # a wide or malformed string fails it without being decoded (which would warn, or die
        # in the regex engine). One join and one pattern, not a loop over the values: this is
        # the hot path of every call, and each Perl statement costs ~1k instructions
        # (docs/benchmarks.md).
        no warnings 'uninitialized';
        use bytes;
        my $all = join "\n", @$vals;
        return undef if $all =~ /[^\x01-\x7f]/ || index($all, 'Inf') >= 0 || index($all, 'NaN') >= 0 || grep ref, @$vals;
    }
    # Sets last_status and last_body, on failure too.
    return scalar Plivo::PHLO::FFI::client_call_strings($handle, $t->[0], $t->[1], $vals, $self);
}

sub call {
    if (@_ == 3 && ref $_[2] eq 'HASH' && defined $_[1] && !ref $_[1] && (my $t = $STRINGS_OP{ $_[1] })) {
        my ($slot, $params) = ($t->[2], $_[2]);
        my @vals;
        $#vals = $#{ $t->[1] };
        my $fast = 1;
        for my $k (keys %$params) {
            my $s = $slot->{$k};
            if (!defined $s) { $fast = 0; last }
            $vals[$s] = $params->{$k};
        }
        if ($fast) {
            my $r = _fast($_[0], $t, \@vals);
            return $r if $r;
        }
    }
    my ($self, $operation, $params, @rest) = @_;
    _self($self, 'call');
    die _invalid(undef, 'call: expected ($operation, \%params); got ' . (2 + @rest) . ' arguments') if @rest;
    # libphlo's HTTP client runs a background thread; a forked child has the handle's memory
    # but not that thread, and a new ithread gets no handle at all (CLONE_SKIP). Say so plainly
    # instead of hanging or passing NULL.
    my $pid = $self->{pid};
    if (!defined $pid || $pid ne $$ || !Scalar::Util::blessed($self->{handle})
        || !$self->{handle}->isa('Plivo::PHLO::FFI::Handle'))
    {
        die _invalid(undef, 'this Plivo::PHLO object has no library handle (it was not made by Plivo::PHLO->new); '
              . 'create a client with Plivo::PHLO->new')
          if !defined $pid;
        die _invalid(undef, 'this Plivo::PHLO client belongs to another '
              . ($pid ne $$ ? "process (pid $pid); after fork" : 'thread; in each thread')
              . ', create a new client with Plivo::PHLO->new');
    }
    my $op = Plivo::PHLO::FFI::c_string('operation', $operation);
    $params //= {};
    die _invalid('params', 'must be a hash reference, not ' . (ref $params ? ref($params) . ' reference' : 'a plain scalar'))
      unless ref $params eq 'HASH';
    my %json;
    for my $k (keys %$params) {    # not each(): a die midway would leave the caller's iterator
        die _invalid(undef, 'a parameter name ' . Plivo::PHLO::FFI::_MALFORMED) if Plivo::PHLO::FFI::_malformed($k);
        my $v = $params->{$k};
        next unless defined $v;    # undef = not given; the core says whether that is allowed
        if ($JSON_VALUED{$k}) {
            my $why = Plivo::PHLO::FFI::json_value_problem($v);
            die _invalid($k, $why) if defined $why;
            $json{$k} = $v;
        }
        else {
            $json{$k} = Plivo::PHLO::FFI::_stringish($k, $v);
        }
    }
    @{$self}{qw(last_status last_body)} = (undef, undef);
    my ($result, $http, $text) = eval { Plivo::PHLO::FFI::client_call($self->{handle}, $op, \%json) };
    if (!$result) {
        my $e = $@;
        $self->{last_status} = $e->status if ref $e && eval { $e->isa('Plivo::PHLO::Error') };
        die $e;
    }
    @{$self}{qw(last_status last_body)} = ($http, $text);
    return $result;
}

sub last_status { _self($_[0], 'last_status')->{last_status} }
sub last_body   { _self($_[0], 'last_body')->{last_body} }

sub multi_party_call {
    my ($self, @ids) = @_;
    _self($self, 'multi_party_call');
    return Plivo::PHLO::MultiPartyCall->new($self, 'multi_party_call', @ids);
}

sub conference_bridge {
    my ($self, @ids) = @_;
    _self($self, 'conference_bridge');
    return Plivo::PHLO::ConferenceBridge->new($self, 'conference_bridge', @ids);
}

sub operations      { @{ Plivo::PHLO::FFI::operations() } }
sub library_version { Plivo::PHLO::FFI::version() }
sub library_path    { Plivo::PHLO::FFI::_load(); $Plivo::PHLO::FFI::LIBRARY }

# ---------------------------------------------------------------------------------------------
# One method per core operation, made from the core's table.
# ---------------------------------------------------------------------------------------------

sub _param_names {
    my ($spec) = @_;
    my @names = map { (my $n = $_) =~ s/\?\z//; $n } @{ $spec->{params} || [] };
    my %seen = map { $_ => 1 } @names;
    push @names, grep { !$seen{$_}++ } map { (my $n = $_) =~ s/\?\z//; $n } @{ $spec->{optional} || [] };
    return @names;
}

sub _make_method {
    my ($spec) = @_;
    my $op = $spec->{name};
    my @names = _param_names($spec);
    my $named = grep { $_ eq 'to' } @names;    # the node actions: ids positional, the rest named
    my @positional = $named ? grep { $NODE_ACTION_POSITIONAL{$_} } @names : @names;
    my $signature = join(', ', @positional) . ($named ? ', name => value, ...' : '');
    my $full = sub {
        my $self = _self(shift, $op);
        my %params;
        my @args = @_;
        for my $name (@positional) {
            last unless @args;
            $params{$name} = shift @args;
        }
        if ($named) {
            my %more = _named($op, @args);
            for my $k (keys %more) {
                die _invalid($k, "is positional in $op($signature)") if exists $params{$k};
                $params{$k} = $more{$k};
            }
        }
        elsif (@args) {
            die _invalid(undef, "$op($signature) takes at most " . scalar(@positional)
                  . ' argument' . (@positional == 1 ? '' : 's') . ', got ' . scalar(@_));
        }
        return $self->call($op, \%params);
    };
    my $t = $STRINGS_OP{$op} or return $full;
    # The fast path (for the node objects too, without the fallback: _fast_method).
    $FAST_METHOD{$op} = _make_fast($t, $named, \@positional, undef);
    return _make_fast($t, $named, \@positional, $full);
}

# The fast path of a flat method: the arguments into the operation's slots (positionals by
# position, the node actions' named ones by name), then _fast. Anything unusual (a payload or
# body, too many arguments, an odd list, an unknown name or a positional one given by name) is
# left, before anything is checked, to $full (the full path, which starts over from the same
# arguments), or gives undef when there is no $full. Three shapes, the two common ones written
# for speed (a list assignment and a hash slice instead of a loop over the arguments); an
# operation of none of them (named arguments after other ids than phlo_id and node_id: the
# core has none) has no fast path.
sub _make_fast {
    my ($t, $named, $positional, $full) = @_;
    my $names = $t->[1];
    my $last = $#$names;
    if ($named) {
        return $full unless "@$positional" eq 'phlo_id node_id' && "@$names[0, 1]" eq 'phlo_id node_id';
        # The node actions: ($phlo_id, $node_id, name => value, ...) or ($phlo_id, $node_id,
        # \%named). An undef or reference name, a positional one by name or an unknown one is
        # left in %named after the slice: the full path reports it.
        my @named = @$names[ 2 .. $last ];
        return sub {
            FAST: {
                no warnings 'uninitialized';    # an undef name becomes '', which is no parameter's
                my (undef, $phlo_id, $node_id, %named) =
                    @_ % 2 ? @_ : @_ == 4 && ref $_[3] eq 'HASH' ? (@_[ 0 .. 2 ], %{ $_[3] }) : last FAST;
                my @vals = ($phlo_id, $node_id, delete @named{@named});
                last FAST if %named;
                my $r = _fast($_[0], $t, \@vals);
                return $r if $r;
            }
            return undef unless $full;
            goto &$full;
        };
    }
    my $npos = @$positional;
    if ("@$names" eq "@$positional") {
        # Positional arguments only, all strings: at most one per parameter, missing ones undef.
        return sub {
            if (@_ <= $npos + 1) {
                my (undef, @vals) = @_;
                $#vals = $last;
                my $r = _fast($_[0], $t, \@vals);
                return $r if $r;
            }
            return undef unless $full;
            goto &$full;
        };
    }
    # Positional arguments with a JSON-valued one among them (run_phlo, raw): that one must be
    # left out (undef), the others go to their slots.
    my @pos_slot = map { $t->[2]{$_} } @$positional;
    return sub {
        FAST: {
            last FAST if @_ > $npos + 1;
            my @vals;
            $#vals = $last;
            for my $i (1 .. $#_) {
                my $s = $pos_slot[ $i - 1 ];
                if (defined $s) { $vals[$s] = $_[$i] }
                elsif (defined $_[$i]) { last FAST }    # a payload or body: JSON
            }
            my $r = _fast($_[0], $t, \@vals);
            return $r if $r;
        }
        return undef unless $full;
        goto &$full;
    };
}

for my $spec (@{ Plivo::PHLO::FFI::operations() }) {
    my $name = $spec->{name};
    $STRINGS_OP{$name} = _strings_table($spec) if defined $name && $name =~ /\A[a-z_][a-z0-9_]*\z/;
    next if !defined $name || $name !~ /\A[a-z_][a-z0-9_]*\z/ || __PACKAGE__->can($name);
    no strict 'refs';
    *{$name} = _make_method($spec);
}

1;

__END__

=encoding utf8

=head1 NAME

Plivo::PHLO - Plivo PHLO runner client for Perl, on libphlo

=head1 SYNOPSIS

    use Plivo::PHLO;

    # Credentials from PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN, base URL from PLIVO_PHLO_BASE_URL.
    my $client = Plivo::PHLO->new;

    # Or explicitly:
    my $client = Plivo::PHLO->new(
        auth_id    => 'MAXXXXXXXXXXXXXXXXXX',
        auth_token => $token,
        timeout    => 10,        # seconds
    );

    # The seed program: a cold transfer.
    my $r = $client->multi_party_call($phlo_id, $node_id)->cold_transfer(
        to             => '+14152225555',
        role           => 'agent',
        trigger_source => '+14152223333',
    );
    print $client->last_status, " ", $r->{api_id}, "\n";    # 201 8c0f5e2a-...

    # The same with the flat method named like the core's operation:
    $client->mpc_cold_transfer($phlo_id, $node_id,
        to => '+14152225555', trigger_source => '+14152223333');

    $client->multi_party_call($phlo_id, $node_id)->member('+14153336666')->hold;

    my $run = $client->run_phlo($phlo_id, { from => '+14152225555', to => '+14153336666' });

    # Errors are Plivo::PHLO::Error objects.
    eval { $client->get_phlo('00000000-0000-4000-8000-000000000000') };
    print $@->kind, "\n" if ref $@;    # not_found

=head1 DESCRIPTION

A client for Plivo's PHLO runner API (start a PHLO, read PHLOs and nodes, steer the live calls of
multi-party-call and conference-bridge nodes). It is a thin layer over B<libphlo>, the project's
Rust core behind a C ABI, loaded with L<FFI::Platypus>: validation, URL building, retries,
timeouts and error mapping all happen in the core, identically for the C, Python and Perl users.

Every method sends one request and returns the service's JSON response decoded into a hash
reference (strings stay strings, unknown fields are kept, booleans are C<JSON::PP::Boolean>). The
answer is decoded with L<Cpanel::JSON::XS> when it is installed and with L<JSON::PP> otherwise
(or when C<PLIVO_PHLO_JSON=JSON::PP>); the data is the same either way (see
L<Plivo::PHLO::FFI/json_backend>). The HTTP status of the last call is L</last_status>. Every
failure dies with a L<Plivo::PHLO::Error>.

=head2 Arguments

Ids, addresses, roles and actions are strings. A number is accepted and sent as its string form
(C<1234> becomes C<"1234">, which the core then accepts or rejects by its own rules); an object
with string overloading is sent as its string. An undef argument counts as not given, so a
required one fails with C<invalid_argument> naming it. A reference where a string belongs, an
odd-length list of named arguments, or too many positional arguments fail with C<invalid_argument>
before anything is sent. So do the numbers C<Inf> and C<NaN> (as a string parameter or inside a
payload: JSON has no such number) and a malformed Perl string (the UTF-8 flag on bytes that are
not UTF-8, as C<Encode::_utf8_on> can make). A method called on the class name or on anything but
an object of its class (C<< Plivo::PHLO->get_phlo(...) >>) is C<invalid_argument> too. No call
warns. F<t/04-bad-input.t> tries about ten thousand such inputs.

A call whose arguments are all plain strings (ASCII, no NUL, not C<Inf> or C<NaN>; numbers
count, by their string form) goes to libphlo's C<phlo_client_call_strings> without any JSON
encoding in Perl; any other call, and C<run_phlo> with a payload or C<raw> with a body, goes
through the full checks above and C<phlo_client_call> with JSON. The request sent and every
error are the same either way; only the cost differs (see F<docs/perl.md>).

=head2 Finding libphlo

The library is loaded when the module is first used, from, in order: C<$ENV{PLIVO_PHLO_LIB}> (a
path to F<libphlo.so>); when the module is the one in a checkout of the repository,
F<target/release> then F<target/debug> there (and in C<$ENV{CARGO_TARGET_DIR}>); the copy that
the distribution's C<make install> put beside the module (F<auto/Plivo/PHLO/libphlo.so> in an
C<@INC> directory), or the installed libphlo it was built against (found by pkg-config); the
system library path. When it is nowhere, C<use Plivo::PHLO> dies with a message naming every
place searched. See L<Plivo::PHLO::FFI>.

=head2 Threads and processes

One client can be used for many calls; the core keeps one keep-alive connection pool per
client. Error details are per thread in the core and read right after each call.

A child process made by C<fork> must create its own client: the parent's client dies there with
C<invalid_argument> (libphlo's HTTP client runs on a background thread that a forked child does
not have), and the child neither uses nor frees the parent's handle. Likewise a Perl ithread
does not inherit clients (their handles are not cloned); create one per thread.

libphlo's network I/O runs on that background thread, which L</new> starts with C<SIGPIPE>
blocked: a connection the service closes while a request is still being written is then the
C<connection> (or HTTP) error it should be, instead of a C<SIGPIPE> that would kill the program
(Perl, unlike Rust, leaves C<SIGPIPE> at its default action). The calling thread's signal mask
and C<$SIG{PIPE}> are left as they were.

=head1 CONSTRUCTOR

=head2 new

    my $client = Plivo::PHLO->new(%options);

Options (all optional):

=over 4

=item auth_id, auth_token

The account credentials. When either is omitted (or undef), C<PLIVO_AUTH_ID> and
C<PLIVO_AUTH_TOKEN> are used. No credentials at all is an C<authentication> error. The token is
never put in an error: libphlo scrubs it from what it reports, and the Perl layer scrubs every
error's message, body, api_id and field once more (the token, the Basic credential, and what is
left of the token where a quote was cut short: 8 or more of its first or last characters). It
is not kept in the client object either (F<t/10-secrets.t>).

=item base_url

Scheme, host and port of the runner, without C</v1>; default C<$ENV{PLIVO_PHLO_BASE_URL}>, else
C<https://phlorunner.plivo.com>.

=item timeout, connect_timeout

Whole-request and connect timeouts in seconds (fractions allowed; sent to the core as whole
milliseconds). Defaults 30 and 5.

=item max_retries

How many times a retryable failure is retried (0 turns retries off).

=item action_retry

When run and actions (not idempotent) may be retried: C<never>, C<safe> (only when the request
provably never reached the service, or on 429; the default) or C<always>.

=item proxy

A proxy URL (C<http://host:port>). C<HTTPS_PROXY>/C<NO_PROXY> are honoured without it.

=item ca_cert_pem

Extra trusted CA certificates, PEM text.

=item user_agent_suffix

The part of the C<User-Agent> header in parentheses; default C<Perl: 5.x.y>, giving
C<plivo-phlo/0.1.0 (Perl: 5.36.0)>.

=item max_response_bytes

Largest response body accepted; a larger one is a C<decode> error.

=back

Returns the client. Dies with a L<Plivo::PHLO::Error> (C<invalid_argument> for a bad option,
C<authentication> for missing credentials). Nothing is sent over the network.

=head1 GENERIC CALL

=head2 call

    my $result = $client->call($operation, \%params);
    my $r = $client->call(mpc_member_hold => {
        phlo_id => $p, node_id => $n, member_id => '+14153336666' });

Runs any operation of the core by name with a hash reference of parameters (names as in the
tables below and in L</operations>). C<payload> (for C<run_phlo>) and C<body> (for C<raw>) are
sent as JSON values; every other parameter is sent as a string. Returns the decoded response
(a hash reference) and sets L</last_status>. A 2xx answer with no body (the service answers
some member actions so) is a success: an empty hash reference, with L</last_status> set and
L</last_body> C<''>, never a C<decode> error. Dies with a L<Plivo::PHLO::Error>: an unknown
operation or parameter is C<invalid_argument>.

=head2 last_status

The HTTP status of the last call on this client (e.g. 200 or 201; the status of the error
response when the last call failed with one; undef before any call or when no response came).

=head2 last_body

The JSON text of the last successful response, exactly as libphlo returned it (undef after a
failure): a JSON object, or C<''> when the service answered 2xx with no body (the result is then
an empty hash reference). Check for C<''> before decoding it yourself.

=head1 OPERATIONS

One method per operation of the core, with the core's name. Ids come positionally, in the order
shown. For the three multi-party-call node actions and C<node_action>, everything after the two
ids is named (C<< name => value >> pairs, or one hash reference). Each returns the response as a
hash reference (empty when the service answered 2xx with no body; see L</call>) and dies with a
L<Plivo::PHLO::Error>.

=head2 get_phlo

    my $phlo = $client->get_phlo($phlo_id);

Reads a PHLO: C<api_id>, C<phlo_id>, C<name>, C<created_on>. Unknown PHLO: C<not_found>.

=head2 run_phlo

    my $run = $client->run_phlo($phlo_id);
    my $run = $client->run_phlo($phlo_id, { from => '+14152225555', to => '+14153336666' });

Starts a run of the PHLO with optional start variables (a hash reference sent as a JSON object;
numbers and C<JSON::PP::true>/C<false> keep their JSON types, undef values are dropped). Returns
C<api_id> (which is the run id), C<phlo_id>, C<message> and sometimes C<phlo_run_id>. A
"stopped ..." message is still a success.

=head2 get_phlo_run

    my $info = $client->get_phlo_run($phlo_id, $run_id);

Reads a run (legacy endpoint): C<run_id>, C<call_uuids>, C<message_uuids>, C<recording_ids>
(array references), as far as the service sends them.

=head2 get_node

    my $node = $client->get_node($phlo_id, $node_type, $node_id);

Reads a node of type C<multi_party_call> or C<conference_bridge>: C<node_id>, C<phlo_id>,
C<name>, C<node_type>, C<created_on>.

=head2 get_multi_party_call

    my $node = $client->get_multi_party_call($phlo_id, $node_id);

L</get_node> for a multi-party-call node.

=head2 get_conference_bridge

    my $node = $client->get_conference_bridge($phlo_id, $node_id);

L</get_node> for a conference-bridge node.

=head2 mpc_call

    $client->mpc_call($phlo_id, $node_id,
        trigger_source => '+14152223333', to => 'sip:alice@example.com', role => 'customer');

Dials C<to> into the multi-party call with C<role> (required: C<agent>, C<customer> or
C<supervisor>), on behalf of the connected member C<trigger_source>. Returns C<api_id>, C<error>.

=head2 mpc_warm_transfer

    $client->mpc_warm_transfer($phlo_id, $node_id,
        trigger_source => '+14152223333', to => '+14154447777', role => 'agent');

Consultative transfer to C<to>; C<role> defaults to C<agent>. Finish it with
L</mpc_member_resume_call>, undo it with L</mpc_member_abort_transfer>.

=head2 mpc_cold_transfer

    $client->mpc_cold_transfer($phlo_id, $node_id,
        trigger_source => '+14152223333', to => '+14152225555', role => 'agent');

Blind transfer to C<to> (C<role> defaults to C<agent>); the initiator C<trigger_source> leaves
the call. The seed program's request.

=head2 mpc_member_abort_transfer

    $client->mpc_member_abort_transfer($phlo_id, $node_id, $member);

Cancels the warm transfer that C<$member> (the initiator) started.

=head2 mpc_member_resume_call

    $client->mpc_member_resume_call($phlo_id, $node_id, $member);

Completes a warm transfer: the held members rejoin.

=head2 mpc_member_voicemail_drop

    $client->mpc_member_voicemail_drop($phlo_id, $node_id, $member);

Leaves the node's voicemail on the member's line and drops the member.

=head2 mpc_member_hangup

    $client->mpc_member_hangup($phlo_id, $node_id, $member);

Disconnects the member. When fewer than two members remain, the call ends.

=head2 mpc_member_hold

    $client->mpc_member_hold($phlo_id, $node_id, $member);

Puts the member on hold.

=head2 mpc_member_unhold

    $client->mpc_member_unhold($phlo_id, $node_id, $member);

Takes the member off hold.

=head2 mpc_member_mute

    $client->mpc_member_mute($phlo_id, $node_id, $member);

Mutes the member.

=head2 mpc_member_unmute

    $client->mpc_member_unmute($phlo_id, $node_id, $member);

Unmutes the member.

=head2 bridge_member_mute

    $client->bridge_member_mute($phlo_id, $node_id, $member);

Mutes a conference-bridge member.

=head2 bridge_member_unmute

    $client->bridge_member_unmute($phlo_id, $node_id, $member);

Unmutes a conference-bridge member.

=head2 bridge_member_hangup

    $client->bridge_member_hangup($phlo_id, $node_id, $member);

Disconnects a conference-bridge member.

=head2 node_action

    $client->node_action($phlo_id, $node_id,
        action => 'call', trigger_source => '+14152223333', to => '+14154447777', role => 'agent');

Any multi-party-call action by name; C<role> is left out of the request when not given (the
service applies its own default).

=head2 member_action

    $client->member_action($phlo_id, $node_type, $node_id, $member, $action);

Any member action on either node type (C<multi_party_call> or C<conference_bridge>).

=head2 raw

    my $r = $client->raw('GET', "/v1/phlo/$phlo_id");
    my $r = $client->raw('POST', $path, { action => 'hold' });

Any request the typed methods lack: a method (C<GET>, C<POST>, C<PUT>, C<DELETE>), a path from
C</v1/>, and an optional body (normally a hash reference; any value JSON can carry, an array or a
string too, is sent as it is and judged by the service; not allowed on C<GET>). Goes through the
same credentials, timeouts, retries and error mapping.

=head1 OBJECT STYLE

=head2 multi_party_call

    my $mpc = $client->multi_party_call($phlo_id, $node_id);
    $mpc->cold_transfer(to => '+14152225555', trigger_source => '+14152223333');
    $mpc->member('+14153336666')->hold;

Returns a L<Plivo::PHLO::MultiPartyCall> for the node; sends nothing. Dies with
C<invalid_argument> when an id is undef or a reference.

=head2 conference_bridge

    my $bridge = $client->conference_bridge($phlo_id, $node_id);
    $bridge->member('+14155550123')->mute;

Returns a L<Plivo::PHLO::ConferenceBridge> for the node; sends nothing.

=head1 INTROSPECTION

=head2 operations

    my @ops = Plivo::PHLO->operations;   # ({name => 'get_phlo', params => [...], doc => ...}, ...)

The core's operation table (from C<phlo_operations_json>), one hash reference per operation.

=head2 library_version

The version of the loaded libphlo (C<phlo_version>); equals C<$Plivo::PHLO::VERSION>.

=head2 library_path

The file the library was loaded from.

=head1 SEE ALSO

L<Plivo::PHLO::Error>, L<Plivo::PHLO::MultiPartyCall>, L<Plivo::PHLO::ConferenceBridge>,
L<Plivo::PHLO::Member>, F<include/phlo.h>, F<docs/perl.md>.

=cut
