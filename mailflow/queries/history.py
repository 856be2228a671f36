"""What a person reads for an event of the audit trail: a phrase of the catalog per event
kind ("Offer picked", not ``offer.picked``), and the labels of the codes an event carries
(the fields an edit changed, the award of a points entry). The codes stay in the database,
the JSON API and the webhooks; only pages and emails show the phrases."""

from __future__ import annotations

from mailflow.i18n import N_

# Every event kind the actions record, and what a reader sees for it.
PHRASES: dict[str, str] = {
    "contact.invited": N_("A colleague was invited"),
    "contact.confirmed": N_("A colleague confirmed the invitation"),
    "contact.removed": N_("A contact was removed"),
    "deal.registered": N_("Deal registered"),
    "deal.submitted": N_("Deal registration submitted for a decision"),
    "deal.approved": N_("Deal registration approved"),
    "deal.rejected": N_("Deal registration rejected"),
    "deal.refused": N_("Deal registration from an unknown sender refused"),
    "deal.exclusivity_reminded": N_("Reminder: the exclusivity ends soon"),
    "deal.extension_requested": N_("More time for the exclusivity requested"),
    "deal.extended": N_("Exclusivity extended"),
    "deal.ended": N_("Exclusivity ended"),
    "offer.digest": N_("Offer held for the partner's digest"),
    "organization.away_period": N_("Away period planned"),
    "organization.away_period_ended": N_("Away period ended early"),
    "partner.territory_requested": N_("A wider territory was requested"),
    "partner.territory_approved": N_("The wider territory was approved"),
    "partner.territory_rejected": N_("The wider territory was rejected"),
    "push.subscribed": N_("Notifications switched on in a browser"),
    "push.unsubscribed": N_("Notifications switched off in a browser"),
    "push.gone": N_("A browser's notifications ended"),
    "lead.created": N_("Lead received"),
    "lead.enriched": N_("Company data added"),
    "lead.merged": N_("A duplicate was merged into this lead"),
    "lead.updated": N_("Lead updated by an import"),
    "lead.edited": N_("Lead edited"),
    "lead.completed": N_("Missing details completed"),
    "lead.qualified": N_("Lead qualified"),
    "lead.unqualified": N_("Lead waits for missing details"),
    "lead.rejected": N_("Lead rejected"),
    "lead.qualification_requested": N_("Qualification asked of the agency"),
    "lead.offered": N_("Lead offered to partners"),
    "lead.override_offer": N_("Lead offered by hand"),
    "lead.picked": N_("Lead picked"),
    "lead.assigned": N_("Lead assigned to a partner"),
    "lead.reassigned": N_("Lead reassigned"),
    "lead.unassigned": N_("No partner took the lead"),
    "lead.escalated": N_("Lead escalated to the partner manager"),
    "lead.escalation_decided": N_("Escalation decided"),
    "lead.withdrawn": N_("Lead withdrawn"),
    "lead.contacted": N_("Customer contacted"),
    "lead.meeting": N_("Meeting with the customer"),
    "lead.proposal": N_("Proposal sent to the customer"),
    "lead.won": N_("Lead won"),
    "lead.lost": N_("Lead lost"),
    "lead.feedback_reminded": N_("Partner reminded to report on the lead"),
    "lead.note": N_("Note from the partner's reply"),
    "lead.note_added": N_("Note added"),
    "lead.partner_messaged": N_("Email sent to the partner"),
    "lead.erased": N_("Customer data erased"),
    "feedback.recorded": N_("Feedback recorded"),
    "offer.opened": N_("Offer sent"),
    "offer.picked": N_("Offer picked"),
    "offer.declined": N_("Offer declined"),
    "offer.expired": N_("Offer expired"),
    "offer.taken": N_("Offer closed: another partner picked the lead"),
    "offer.away": N_("Offer closed: the partner is away"),
    "offer.withdrawn": N_("Offer withdrawn"),
    "offer.reminded": N_("Partner reminded of the offer"),
    "offer.reminder_skipped": N_("Reminder skipped: the partner is away"),
    "offer.pick_refused": N_("Pick refused: too many leads without feedback"),
    "inbound.chosen": N_("The partner chose what the reply meant"),
    "inbound.unanswered": N_("Question not answered: the reply went to review"),
    "inbound.applied": N_("Reply applied from the review queue"),
    "inbound.dismissed": N_("Reply dismissed in the review queue"),
    "inbound.bounce_ignored": N_("Bounce ignored"),
    "contact.created": N_("Contact added"),
    "contact.updated": N_("Contact changed"),
    "contact.soft_bounce": N_("An email to the contact bounced for now"),
    "contact.undeliverable": N_("Emails to the contact cannot be delivered"),
    "contact.console_user_added": N_("Console user added"),
    "contact.email_change_requested": N_("Change of email address asked"),
    "contact.email_changed": N_("Email address changed"),
    "contact.login_disabled": N_("Console login disabled"),
    "contact.role_changed": N_("Console role changed"),
    "contact.sessions_ended": N_("Console sessions ended"),
    "organization.created": N_("Organisation created"),
    "organization.away": N_("Partner away"),
    "organization.away_capped": N_("Away period shortened to the longest allowed"),
    "organization.away_confirmed": N_("Away period confirmed"),
    "organization.back": N_("Partner back"),
    "partner.created": N_("Partner created"),
    "partner.updated": N_("Partner changed"),
    "partner.deactivated": N_("Partner deactivated"),
    "partner.reactivated": N_("Partner reactivated"),
    "apikey.suspended": N_("API key suspended"),
    "apikey.resumed": N_("API key resumed"),
    "points.awarded": N_("Points awarded"),
    "points.converted": N_("Points converted"),
    "postcodes.imported": N_("Postcodes imported"),
    "customers.imported": N_("Customers imported"),
    "stats.refreshed": N_("Partner figures refreshed"),
    "queue.digest": N_("Backlog digest sent"),
    "report.scheduled": N_("Weekly report scheduled"),
    "report.sent": N_("Weekly report sent"),
    "report.opted_in": N_("Weekly report subscribed"),
    "report.opted_out": N_("Weekly report unsubscribed"),
    "password.set": N_("Password set"),
    "password.reset_requested": N_("Password reset asked"),
    "password.reset": N_("Password reset"),
    "template.saved": N_("Email template saved"),
    "template.activated": N_("Email template activated"),
    "wording.draft_saved": N_("Email wording draft saved"),
    "wording.published": N_("Email wording published"),
    "wording.discarded": N_("Email wording draft discarded"),
    "brand.created": N_("Brand created"),
    "brand.changed": N_("Brand changed"),
    "webhook.registered": N_("Webhook added"),
    "webhook.removed": N_("Webhook removed"),
    "webhook.circuit_opened": N_("Webhook paused after failures"),
    "webhook.circuit_closed": N_("Webhook delivering again"),
    "mail_connection.working": N_("Mail connection working"),
    "mail_connection.failing": N_("Mail connection failing"),
    "mail_connection.alerted": N_("Admins alerted about the mail connection"),
}
OTHER = N_("Other change")
# Who acted when no person or API key did (the actor of the unit of work).
ACTORS: dict[str, str] = {
    "system": N_("system"),
    "cli": N_("cli"),
    "import": N_("CSV import"),
    "anonymous": N_("someone not logged in"),
    "inbound": N_("an email not yet matched to a contact"),
}

# The fields of a lead an edit changes, by their form labels.
FIELDS: dict[str, str] = {
    "product_line": N_("Product line"),
    "value": N_("Estimated value"),
    "currency": N_("Currency"),
    "temperature": N_("Temperature"),
    "requirement": N_("Requirement"),
    "remarks": N_("Remarks"),
}
# What a points entry was given for.
AWARDS: dict[str, str] = {
    "pick": N_("for the pick"),
    "cold_bonus": N_("bonus for a cold lead"),
    "feedback": N_("for the feedback"),
    "fast_feedback": N_("bonus for fast feedback"),
    "won": N_("for the win"),
}


def phrase(kind: str) -> str:
    """The catalog message a reader sees for the event ``kind``."""
    return PHRASES.get(kind, OTHER)


def field_names(names: list[str]) -> list[str]:
    """The catalog messages of a lead's fields (a name without one as it is)."""
    return [FIELDS.get(name, name) for name in names]
