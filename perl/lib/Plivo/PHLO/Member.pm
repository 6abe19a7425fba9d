package Plivo::PHLO::Member;

# The POD list of the actions (between BEGIN GENERATED and END GENERATED) is written by
# `cargo xtask gen`. One member of a node. Its actions are the core's: one method per member
# action of the core's table with a fixed action (hold, mute, ...), sending the operation for this
# member's node type (mpc_member_hold, bridge_member_mute, ...), or the generic member_action when
# the table has none for it (the service then has the last word).

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

# The core's operation for (node type, action), from its table.
my %OPERATION;
for my $spec (@{ Plivo::PHLO::FFI::operations() }) {
    next unless ($spec->{endpoint} // '') eq 'member_action' && defined $spec->{action} && defined $spec->{node_type};
    $OPERATION{ $spec->{node_type} }{ $spec->{action} } = $spec->{name};
}

sub action {
    my ($self, $action, @rest) = @_;
    _self($self, 'action');
    die Plivo::PHLO::FFI::invalid(undef, 'action takes 1 argument (the action name)') if @rest;
    my $node = $self->{node};
    my %ids = (phlo_id => $node->{phlo_id}, node_id => $node->{node_id}, member_id => $self->{member_id});
    my $op = defined $action && !ref $action ? $OPERATION{ $node->{node_type} }{$action} : undef;
    return $node->{client}->call($op => \%ids) if $op;
    return $node->{client}->call(member_action => { %ids, node_type => $node->{node_type}, action => $action });
}

for my $action (sort map { keys %$_ } values %OPERATION) {
    next if $action !~ /\A[a-z_]+\z/ || __PACKAGE__->can($action);
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

Each action below sends the core's operation for the member's node type; where the core has
none (a conference bridge has no C<hold>), the generic C<member_action> is sent anyway, as the
official SDKs do, and the service answers C<bad_request>.

=head1 METHODS

=head2 new

    Plivo::PHLO::Member->new($node, $member_id)

Used by L<Plivo::PHLO::Node/member>, which checks the address is a string.

=for comment BEGIN GENERATED: member actions (cargo xtask gen)

=head2 abort_transfer

    $member->abort_transfer;

Cancels the warm transfer this member started. Sends C<mpc_member_abort_transfer> on a C<multi_party_call> node.

=head2 resume_call

    $member->resume_call;

Completes a warm transfer: the member goes back into the call. Sends C<mpc_member_resume_call> on a C<multi_party_call> node.

=head2 voicemail_drop

    $member->voicemail_drop;

Leaves the node's voicemail on the member's line and drops the member. Sends C<mpc_member_voicemail_drop> on a C<multi_party_call> node.

=head2 hangup

    $member->hangup;

Disconnects a multi-party-call member. Sends C<mpc_member_hangup> on a C<multi_party_call> node, C<bridge_member_hangup> on a C<conference_bridge> node.

=head2 hold

    $member->hold;

Puts a multi-party-call member on hold. Sends C<mpc_member_hold> on a C<multi_party_call> node.

=head2 unhold

    $member->unhold;

Takes a multi-party-call member off hold. Sends C<mpc_member_unhold> on a C<multi_party_call> node.

=head2 mute

    $member->mute;

Mutes a multi-party-call member. Sends C<mpc_member_mute> on a C<multi_party_call> node, C<bridge_member_mute> on a C<conference_bridge> node.

=head2 unmute

    $member->unmute;

Unmutes a multi-party-call member. Sends C<mpc_member_unmute> on a C<multi_party_call> node, C<bridge_member_unmute> on a C<conference_bridge> node.

=for comment END GENERATED: member actions

=head2 action

    $m->action('hold');

Any member action by name: the core's typed operation for this node type when there is one
(C<mpc_member_hold>, C<bridge_member_mute>, ...), else C<member_action>.

=head2 node

The L<Plivo::PHLO::MultiPartyCall> or L<Plivo::PHLO::ConferenceBridge> it belongs to.

=head2 member_id

The member address, as a string.

=cut
