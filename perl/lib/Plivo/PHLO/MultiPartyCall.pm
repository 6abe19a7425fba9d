package Plivo::PHLO::MultiPartyCall;

# The POD list of the actions (between BEGIN GENERATED and END GENERATED) is written by
# `cargo xtask gen`. A multi-party-call node. Its actions are the core's: one method per node
# action of the core's table with a fixed action (call, warm_transfer, cold_transfer), sending that
# operation with this node's ids; action() sends any action by name (node_action).

use strict;
use warnings;

use parent -norequire, 'Plivo::PHLO::Node';
use Scalar::Util ();
use Plivo::PHLO::Node;

our $VERSION = '0.1.0';

# The node's ids and the named arguments: the parameters of $op (a name from the core's table).
sub _send {
    my ($self, $op, $method, @args) = @_;
    my %named;
    {
        no warnings 'uninitialized';    # an undef name is '': no parameter, which the core says
        %named = Plivo::PHLO::_named($method, @args);
    }
    # The node's ids win over the same names among the named arguments.
    delete @named{qw(phlo_id node_id)};
    my $client = $self->{client};
    $client = Plivo::PHLO::_self($client, $method)
      unless ref $client eq 'Plivo::PHLO' && Scalar::Util::reftype($client) eq 'HASH';
    my @names = ('phlo_id', 'node_id', keys %named);
    return Plivo::PHLO::_send($client, $op, \@names, [ @{$self}{qw(phlo_id node_id)}, values %named ]);
}

for my $spec (@{ Plivo::PHLO::FFI::operations() }) {
    my ($op, $action) = @{$spec}{qw(name action)};
    next unless ($spec->{endpoint} // '') eq 'node_action' && defined $action
      && ($spec->{node_type} // '') eq 'multi_party_call' && $action =~ /\A[a-z_]+\z/ && !__PACKAGE__->can($action);
    no strict 'refs';
    *{$action} = sub {
        my $self = shift;
        $self = Plivo::PHLO::Node::_self($self, $action)
          unless ref $self eq __PACKAGE__ && Scalar::Util::reftype($self) eq 'HASH';
        return _send($self, $op, $action, @_);
    };
}

sub action {
    my $self = Plivo::PHLO::Node::_self(shift, 'action');
    my $action = shift;
    # The action last: it wins over an `action` among the named arguments.
    return _send($self, 'node_action', 'action', @_, action => $action);
}

1;

__END__

=head1 NAME

Plivo::PHLO::MultiPartyCall - a multi-party-call node of a PHLO

=head1 SYNOPSIS

    my $mpc = $client->multi_party_call($phlo_id, $node_id);

    $mpc->call(trigger_source => '+14152223333', to => 'sip:alice@example.com', role => 'customer');
    $mpc->warm_transfer(trigger_source => '+14152223333', to => '+14154447777');
    $mpc->member('+14152223333')->resume_call;
    $mpc->cold_transfer(to => '+14152225555', role => 'agent', trigger_source => '+14152223333');
    $mpc->member('+14153336666')->hold;

=head1 DESCRIPTION

Returned by L<Plivo::PHLO/multi_party_call>; inherits L<Plivo::PHLO::Node> (C<get>, C<member>,
C<phlo_id>, C<node_id>, C<node_type>, C<client>). Each action sends one request and returns the
response (C<api_id>, C<error>) as a hash reference; failures die with a L<Plivo::PHLO::Error>.
Arguments are C<< name => value >> pairs or one hash reference; an odd-length list is
C<invalid_argument>.

=head1 METHODS

Each of these sends the core's operation of the same action with this node's ids and the named
arguments.

=for comment BEGIN GENERATED: node actions (cargo xtask gen)

=head2 call

    $mpc->call(trigger_source => $trigger_source, to => $to, role => $role);

Dials to into the multi-party call with role, on behalf of trigger_source. Sends C<mpc_call> with this node's ids.

=head2 warm_transfer

    $mpc->warm_transfer(trigger_source => $trigger_source, to => $to, role => $role);

Consultative transfer: trigger_source talks to to first while the other members wait on hold. role defaults to agent. Sends C<mpc_warm_transfer> with this node's ids.

=head2 cold_transfer

    $mpc->cold_transfer(trigger_source => $trigger_source, to => $to, role => $role);

Blind transfer: the other party is connected to to and trigger_source leaves the call. role defaults to agent. Sends C<mpc_cold_transfer> with this node's ids.

=for comment END GENERATED: node actions

=head2 action

    $mpc->action('call', trigger_source => $member, to => $address, role => 'agent');

Any node action by name (the core's C<node_action>); C<role> is omitted from the request when
not given.

=head2 get

Reads the node; see L<Plivo::PHLO::Node/get>.

=head2 member

Returns a L<Plivo::PHLO::Member> for an address; see L<Plivo::PHLO::Node/member>.

=cut
