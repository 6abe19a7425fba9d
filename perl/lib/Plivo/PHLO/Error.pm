package Plivo::PHLO::Error;

# The exception thrown by every Plivo::PHLO call. A plain hash-based object: it is built either
# from libphlo's per-thread last-error JSON (every failure inside the core) or by the Perl layer
# itself for the few things only Perl can get wrong (undef, references, odd argument lists).

use strict;
use warnings;

use Scalar::Util ();

use overload
  '""'     => sub { $_[0]->as_string },
  'bool'   => sub { 1 },
  fallback => 1;

our $VERSION = '0.1.0';

# phlo_status numbers (include/phlo.h). Kept here only to name the code of errors raised by the
# Perl layer itself and to map a kind to its code; the library is the authority for the rest.
my %CODE_OF_KIND = (
    ok               => 0,
    invalid_argument => 1,
    authentication   => 2,
    not_found        => 3,
    bad_request      => 4,
    rate_limited     => 5,
    server           => 6,
    timeout          => 7,
    connection       => 8,
    decode           => 9,
    null_pointer     => 10,
    invalid_utf8     => 11,
    panic            => 12,
);

sub new {
    my $class = shift;
    $class = ref $class if Scalar::Util::blessed($class);
    $class = __PACKAGE__ unless defined $class && !ref $class && UNIVERSAL::isa($class, __PACKAGE__);
    # Misuse of the constructor is reported like any other bad argument: as an error of this class.
    die $class->new(kind => 'invalid_argument', message => __PACKAGE__ . '->new: odd number of arguments ('
          . scalar(@_) . '); expected name => value pairs') if @_ % 2;
    my %args = @_;
    my $self = bless {%args}, $class;
    $self->{kind} = 'unknown' unless defined $self->{kind} && length $self->{kind};
    $self->{message} = $self->{kind} unless defined $self->{message} && length $self->{message};
    $self->{code} = $CODE_OF_KIND{ $self->{kind} } // -1 unless defined $self->{code};
    unless (defined $self->{file}) {
        # Report the first frame outside the Plivo::PHLO modules: the user's own call site.
        my $i = 0;
        while (my @frame = caller($i++)) {
            next if $frame[0] =~ /^Plivo::PHLO(?:::|$)/;
            @{$self}{qw(file line)} = @frame[ 1, 2 ];
            last;
        }
    }
    return $self;
}

sub throw {
    my $class = shift;
    die $class->new(@_);
}

# The invocant of a method must be an error object (not the class name): otherwise a typed error.
sub _self {
    my ($self, $method) = @_;
    return $self if Scalar::Util::blessed($self) && $self->isa(__PACKAGE__) && Scalar::Util::reftype($self) eq 'HASH';
    die __PACKAGE__->new(kind => 'invalid_argument', message => "$method must be called on a " . __PACKAGE__ . ' object');
}

# Accessors. Each returns undef when the value does not apply (e.g. no HTTP status on a timeout).
for my $name (qw(kind message status api_id field code body attempts status_name file line)) {
    no strict 'refs';
    *{$name} = sub { _self($_[0], $name)->{$name} };
}

sub retry_after {
    my $ms = _self($_[0], 'retry_after')->{retry_after_ms};
    return defined $ms ? $ms / 1000 : undef;
}

sub retry_after_ms { _self($_[0], 'retry_after_ms')->{retry_after_ms} }

sub is {
    my ($self, $kind) = @_;
    _self($self, 'is');
    return defined $kind && !ref $kind && $self->{kind} eq $kind;
}

sub as_string {
    my $self = _self(shift, 'as_string');
    my @extra;
    push @extra, "status $self->{status}" if defined $self->{status};
    push @extra, "field $self->{field}"   if defined $self->{field} && length $self->{field};
    push @extra, "api_id $self->{api_id}" if defined $self->{api_id} && length $self->{api_id};
    my $s = "Plivo::PHLO::Error [$self->{kind}] $self->{message}";
    $s .= ' (' . join(', ', @extra) . ')' if @extra;
    $s .= " at $self->{file} line $self->{line}." if defined $self->{file};
    $s =~ s/[\r\n]+/ /g;    # one line, whatever the service put in its message
    return $s;
}

sub TO_JSON {
    my $self = _self(shift, 'TO_JSON');
    return { map { defined $self->{$_} ? ($_ => $self->{$_}) : () }
          qw(kind message status api_id field code body attempts retry_after_ms status_name) };
}

1;

__END__

=head1 NAME

Plivo::PHLO::Error - the exception object thrown by Plivo::PHLO

=head1 SYNOPSIS

    use Plivo::PHLO;

    my $ok = eval { $client->get_phlo($phlo_id); 1 };
    if (!$ok) {
        my $e = $@;
        die $e unless ref $e && $e->isa('Plivo::PHLO::Error');
        if    ($e->kind eq 'not_found')    { ... }
        elsif ($e->kind eq 'rate_limited') { sleep($e->retry_after // 1); ... }
        warn "failed: $e\n";    # one readable line
        warn "support reference: ", $e->api_id, "\n" if $e->api_id;
    }

=head1 DESCRIPTION

Every failing call of L<Plivo::PHLO> dies with one of these objects (C<die>, so C<eval>,
C<Try::Tiny> and C<try/catch> all see it in C<$@>). The details come from libphlo's last-error
record for the calling thread; errors the Perl layer finds itself (an undef or a reference where a
string is needed, an odd-length list of named arguments) have kind C<invalid_argument> and
code 1.

The object stringifies to one line:

    Plivo::PHLO::Error [not_found] resource not found (404) at /v1/phlo/... (status 404) at t/x.t line 12.

Neither the message, the string form, the body nor the api_id ever contains the auth token (nor
8 or more of its first or last characters, where a quote was cut short).

=head1 METHODS

=head2 kind

The stable error kind, one of C<invalid_argument>, C<authentication>, C<not_found>,
C<bad_request>, C<rate_limited>, C<server>, C<timeout>, C<connection>, C<decode>; or C<panic>
for a bug caught at the library's boundary.

=head2 code

The numeric C<phlo_status> of the failure (C<PHLO_NOT_FOUND> = 3, ...), as listed in
F<include/phlo.h>; C<invalid_argument> is 1.

=head2 status_name

The name of L</code> as C<phlo_status_name> gives it, e.g. C<not_found>; it differs from
L</kind> only for faults of the binding itself (C<null_pointer>, C<invalid_utf8>, whose kind is
C<invalid_argument>).

=head2 message

A readable sentence: the service's own C<error> string when it sent one, otherwise a fixed
sentence naming the HTTP status and the URL path.

=head2 status

The HTTP status the service answered with, or undef when there was no response (timeout,
connection failure, invalid argument).

=head2 api_id

The service's C<api_id> for the failed request when its body carried one (quote it to Plivo
support), else undef.

=head2 field

For C<invalid_argument>: the name of the argument at fault (e.g. C<phlo_id>, C<to>), else undef.

=head2 body

The service's response body (truncated to 2 KiB, credentials scrubbed), or undef.

=head2 retry_after

For C<rate_limited> (and some C<server>) errors: the delay the service asked for, in seconds
(fractional), or undef.

=head2 retry_after_ms

The same delay in milliseconds, or undef.

=head2 attempts

How many HTTP attempts the core made (0 when it failed before the network), or undef.

=head2 file

The file of the caller's statement that made the failing call.

=head2 line

Its line number.

=head2 is

    $e->is('timeout')

True when L</kind> equals the argument.

=head2 as_string

The one-line form, also produced by stringification (C<"$e">).

=head2 TO_JSON

A plain hash reference of the defined fields (for logging with a JSON encoder).

=head2 new

    Plivo::PHLO::Error->new(kind => 'invalid_argument', message => '...', field => 'to')

Builds an error; L</code> defaults from the kind, L</file>/L</line> from the first caller outside
Plivo::PHLO. Used by the binding; rarely needed by users.

=head2 throw

    Plivo::PHLO::Error->throw(%args)

C<die>s with C<< ->new(%args) >>.

=cut
