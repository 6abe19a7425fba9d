package Plivo::PHLO::MultiPartyCall;

use strict;
use warnings;

use parent -norequire, 'Plivo::PHLO::Node';
use Scalar::Util ();
use Plivo::PHLO::Node;

our $VERSION = '0.1.0';

# The three typed actions map onto the core's mpc_<action> operations; action() onto node_action.
# Each first tries the fast path of the flat method (Plivo::PHLO::_fast_method: plain string
# arguments go to phlo_client_call_strings, no JSON) with the node's ids in front; anything it
# does not take (undef back, nothing sent) goes the full way below, with this class's errors.
for my $action (qw(call warm_transfer cold_transfer)) {
    my $op = "mpc_$action";
    my $fast;
    no strict 'refs';
    *{$action} = sub {
        if (ref $_[0] eq __PACKAGE__ && Scalar::Util::reftype($_[0]) eq 'HASH'
            && ($fast //= Plivo::PHLO::_fast_method($op)))
        {
            my $self = $_[0];
            my $r = $fast->($self->{client}, $self->{phlo_id}, $self->{node_id}, @_[ 1 .. $#_ ]);
            return $r if $r;
        }
        my $self = Plivo::PHLO::Node::_self(shift, $action);
        my %args = Plivo::PHLO::_named($action, @_);
        return $self->{client}->call($op =>
              { %args, phlo_id => $self->{phlo_id}, node_id => $self->{node_id} });
    };
}

my $fast_action;

sub action {
    if (@_ >= 2 && !(@_ % 2) && ref $_[0] eq __PACKAGE__ && Scalar::Util::reftype($_[0]) eq 'HASH'
        && ($fast_action //= Plivo::PHLO::_fast_method('node_action')))
    {
        # The action last: it wins over an `action` among the named arguments, as below.
        my ($self, $action) = @_;
        my $r = $fast_action->($self->{client}, $self->{phlo_id}, $self->{node_id}, @_[ 2 .. $#_ ], action => $action);
        return $r if $r;
    }
    my $self = Plivo::PHLO::Node::_self(shift, 'action');
    my $action = shift;
    my %args = Plivo::PHLO::_named('action', @_);
    return $self->{client}->call(node_action =>
          { %args, action => $action, phlo_id => $self->{phlo_id}, node_id => $self->{node_id} });
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

=head2 call

    $mpc->call(trigger_source => $member, to => $address, role => $role);

Dials C<to> into the call with C<role> (required: C<agent>, C<customer>, C<supervisor>) on behalf
of the connected member C<trigger_source>.

=head2 warm_transfer

    $mpc->warm_transfer(trigger_source => $member, to => $address, role => 'agent');

Consultative transfer: C<trigger_source> and C<to> talk while the others wait on hold. C<role>
defaults to C<agent>. Finish with C<< ->member($m)->resume_call >>, undo with
C<< ->member($initiator)->abort_transfer >>.

=head2 cold_transfer

    $mpc->cold_transfer(to => $address, role => 'agent', trigger_source => $member);

Blind transfer: C<to> joins, the initiator C<trigger_source> leaves. C<role> defaults to C<agent>.

=head2 action

    $mpc->action('call', trigger_source => $member, to => $address, role => 'agent');

Any node action by name (the core's C<node_action>); C<role> is omitted from the request when
not given.

=head2 get

Reads the node; see L<Plivo::PHLO::Node/get>.

=head2 member

Returns a L<Plivo::PHLO::Member> for an address; see L<Plivo::PHLO::Node/member>.

=cut
