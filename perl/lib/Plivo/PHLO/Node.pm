package Plivo::PHLO::Node;

# What the two node classes share: the client, the PHLO id, the node id and type, get() and
# member(). Building one sends nothing, like the official SDKs' member() objects.

use strict;
use warnings;

use Scalar::Util ();
use Plivo::PHLO::FFI;

our $VERSION = '0.1.0';

# The string form of an id given to a constructor: undef and references fail here, at the
# statement that made the object, rather than at the first action.
sub _id {
    my ($field, $value) = @_;
    die Plivo::PHLO::FFI::invalid($field, 'is required (got undef)') unless defined $value;
    my $s = Plivo::PHLO::FFI::text($field, $value);
    die Plivo::PHLO::FFI::invalid($field, 'must be a string, not ' . Plivo::PHLO::FFI::_a(ref $value) . ' reference')
      unless defined $s;
    return $s;
}

# The node types of the core's table of operations.
my %NODE_TYPES = map { defined $_->{node_type} ? ($_->{node_type} => 1) : () } @{ Plivo::PHLO::FFI::operations() };

sub _self { Plivo::PHLO::FFI::check_self($_[0], __PACKAGE__, $_[1]) }

sub new {
    my ($class, $client, $node_type, @ids) = @_;
    die Plivo::PHLO::FFI::invalid(undef, 'new is a class method: ' . __PACKAGE__ . '->new($client, $node_type, $phlo_id, $node_id)')
      unless defined $class && !ref $class && !Plivo::PHLO::FFI::_malformed($class) && UNIVERSAL::isa($class, __PACKAGE__);
    Plivo::PHLO::FFI::check_self($client, 'Plivo::PHLO', "$class->new's client");
    die Plivo::PHLO::FFI::invalid('node_type', 'must be one of ' . join(', ', sort keys %NODE_TYPES))
      unless defined $node_type && !ref $node_type && !Plivo::PHLO::FFI::_malformed($node_type) && $NODE_TYPES{$node_type};
    die Plivo::PHLO::FFI::invalid(undef, "$node_type takes 2 arguments (phlo_id, node_id), got " . scalar(@ids))
      unless @ids == 2;
    my ($phlo_id, $node_id) = @ids;
    return bless {
        client    => $client,
        node_type => $node_type,
        phlo_id   => _id('phlo_id', $phlo_id),
        node_id   => _id('node_id', $node_id),
    }, $class;
}

sub client    { _self($_[0], 'client')->{client} }
sub phlo_id   { _self($_[0], 'phlo_id')->{phlo_id} }
sub node_id   { _self($_[0], 'node_id')->{node_id} }
sub node_type { _self($_[0], 'node_type')->{node_type} }

sub get {
    my $self = _self(shift, 'get');
    die Plivo::PHLO::FFI::invalid(undef, 'get takes no arguments') if @_;
    return $self->{client}->call(get_node =>
          { phlo_id => $self->{phlo_id}, node_type => $self->{node_type}, node_id => $self->{node_id} });
}

sub member {
    my ($self, @addr) = @_;
    _self($self, 'member');
    die Plivo::PHLO::FFI::invalid(undef, 'member takes 1 argument (member_id), got ' . scalar(@addr))
      unless @addr == 1;
    require Plivo::PHLO::Member;
    return Plivo::PHLO::Member->new($self, _id('member_id', $addr[0]));
}

1;

__END__

=head1 NAME

Plivo::PHLO::Node - what Plivo::PHLO::MultiPartyCall and Plivo::PHLO::ConferenceBridge share

=head1 DESCRIPTION

The base class of the node objects returned by L<Plivo::PHLO/multi_party_call> and
L<Plivo::PHLO/conference_bridge>. Making one sends nothing.

=head1 METHODS

=head2 new

    Plivo::PHLO::Node->new($client, $node_type, $phlo_id, $node_id)

Used by L<Plivo::PHLO>. Dies with C<invalid_argument> when an id is undef or a reference, or the
number of ids is not two.

=head2 get

    my $node = $mpc->get;

Reads the node (C<GET /v1/phlo/{P}/{T}/{N}>): C<node_id>, C<phlo_id>, C<name>, C<node_type>,
C<created_on>. Dies with a L<Plivo::PHLO::Error> (C<not_found> for an unknown PHLO or node).

=head2 member

    my $m = $mpc->member('+14153336666');

Returns a L<Plivo::PHLO::Member> for the member address (phone number or SIP URI) in this node;
sends nothing.

=head2 client

The L<Plivo::PHLO> client the node uses.

=head2 phlo_id

The PHLO id given to the constructor, as a string.

=head2 node_id

The node id given to the constructor, as a string.

=head2 node_type

C<multi_party_call> or C<conference_bridge>.

=cut
