package Plivo::PHLO::Member;

use strict;
use warnings;

our $VERSION = '0.1.0';

sub _self { Plivo::PHLO::FFI::check_self($_[0], __PACKAGE__, $_[1]) }

sub new {
    my ($class, $node, $member_id, @rest) = @_;
    die Plivo::PHLO::FFI::invalid(undef, 'new is a class method: ' . __PACKAGE__ . '->new($node, $member_id)')
      unless defined $class && !ref $class && !Plivo::PHLO::FFI::_malformed($class) && UNIVERSAL::isa($class, __PACKAGE__);
    Plivo::PHLO::FFI::check_self($node, 'Plivo::PHLO::Node', "$class->new's node");
    die Plivo::PHLO::FFI::invalid(undef, "$class->new takes 2 arguments (node, member_id)") if @rest;
    return bless { node => $node, member_id => Plivo::PHLO::Node::_id('member_id', $member_id) }, $class;
}

sub node      { _self($_[0], 'node')->{node} }
sub member_id { _self($_[0], 'member_id')->{member_id} }

# A typed operation of the core (mpc_member_hold, bridge_member_mute, ...) when there is one;
# otherwise the generic member_action with this node's type, so the service has the last word.
sub action {
    my ($self, $action, @rest) = @_;
    _self($self, 'action');
    die Plivo::PHLO::FFI::invalid(undef, 'action takes 1 argument (the action name)') if @rest;
    my $node = $self->{node};
    my %ids = (phlo_id => $node->{phlo_id}, node_id => $node->{node_id}, member_id => $self->{member_id});
    if (defined $action && !ref $action && !Plivo::PHLO::FFI::_malformed($action) && $action =~ /\A[a-z_]+\z/) {
        my $op = $node->_member_prefix . "_member_$action";
        return $node->{client}->call($op => \%ids) if Plivo::PHLO->can($op);
    }
    return $node->{client}->call(member_action => { %ids, node_type => $node->{node_type}, action => $action });
}

for my $action (qw(abort_transfer resume_call voicemail_drop hangup hold unhold mute unmute)) {
    no strict 'refs';
    *{$action} = sub {
        my $self = _self(shift, $action);
        die Plivo::PHLO::FFI::invalid(undef, "$action takes no arguments") if @_;
        return $self->action($action);
    };
}

1;

__END__

=head1 NAME

Plivo::PHLO::Member - one member (phone number or SIP URI) of a multi-party call or bridge

=head1 SYNOPSIS

    my $m = $client->multi_party_call($phlo_id, $node_id)->member('+14153336666');
    $m->hold;
    $m->unhold;
    $m->mute;
    $m->unmute;
    $m->hangup;

    $client->conference_bridge($phlo_id, $bridge_id)->member('+14155550123')->mute;

=head1 DESCRIPTION

Returned by L<Plivo::PHLO::Node/member>; making one sends nothing. Each action sends one
request (C<POST .../members/{member}> with C<{"action": ...}>) and returns the response
(C<api_id>, C<error>) as a hash reference, or dies with a L<Plivo::PHLO::Error> (C<not_found>
when the member is not in the call, C<bad_request> when the action does not fit its state).

On a multi-party call every action below is available. A conference bridge accepts C<mute>,
C<unmute> and C<hangup>; the others are sent anyway (as the official SDKs do) and the service
answers C<bad_request>.

=head1 METHODS

=head2 new

    Plivo::PHLO::Member->new($node, $member_id)

Used by L<Plivo::PHLO::Node/member>, which checks the address is a string.

=head2 hold

Puts the member on hold (they hear the node's hold music).

=head2 unhold

Takes the member off hold.

=head2 mute

Stops the member's audio reaching the others.

=head2 unmute

Restores it.

=head2 hangup

Disconnects the member.

=head2 resume_call

After a warm transfer, puts the member back into the original call (completes the transfer).

=head2 abort_transfer

Cancels the warm transfer this member started.

=head2 voicemail_drop

Leaves the node's recorded voicemail on the member's line and drops them.

=head2 action

    $m->action('hold');

Any member action by name: the core's typed operation for this node type when there is one
(C<mpc_member_hold>, C<bridge_member_mute>, ...), else C<member_action>.

=head2 node

The L<Plivo::PHLO::MultiPartyCall> or L<Plivo::PHLO::ConferenceBridge> it belongs to.

=head2 member_id

The member address, as a string.

=cut
