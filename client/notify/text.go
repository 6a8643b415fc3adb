package notify

import "github.com/quantive/entra-scim-harness/client/quarantine"

// explanation is what a reason means and what the admin should do, in the
// words of the quarantine article (DOC S4), paraphrased.
type explanation struct {
	meaning string
	action  string
}

var explanations = map[quarantine.Reason]explanation{
	quarantine.ReasonQuarantineException: {
		meaning: "The provisioning service could not work with the target application. " +
			"Either the application answered that the admin credentials are invalid (HTTP 401), " +
			"it could not be reached, or it answered in a way that is not SCIM-compliant, " +
			"for example 404 Not Found instead of 200 OK to a query for users.",
		action: "Open the Admin Credentials section of the provisioning settings, check the " +
			"tenant URL and the secret token, and use Test Connection to authorize again. If the " +
			"credentials are correct, ask the application's developer to make sure the endpoint " +
			"is SCIM-compliant (RFC 7644, section 3.4.2).",
	},
	quarantine.ReasonEscrowProportion: {
		meaning: "More than 40% of the provisioning events failed (failed manager and group " +
			"member updates are not counted).",
		action: "Review the provisioning logs to find the errors behind the failures and fix " +
			"their cause, then restart provisioning.",
	},
	quarantine.ReasonBaseEscrow: {
		meaning: "More than 40,000 users or groups failed to be provisioned (failed manager and " +
			"group member updates are not counted).",
		action: "Review the provisioning logs to find the errors behind the failures and fix " +
			"their cause, then restart provisioning.",
	},
	quarantine.ReasonTotalEscrow: {
		meaning: "More than 60,000 provisioning operations failed in total, counting failed " +
			"manager and group member updates.",
		action: "Review the provisioning logs to find the errors behind the failures and fix " +
			"their cause, then restart provisioning.",
	},
	quarantine.ReasonTooManyDeletes: {
		meaning: "A provisioning cycle wanted to delete or disable more users and groups than " +
			"the accidental deletions threshold allows. Those deletions were not sent.",
		action: "Review the pending deletions in the provisioning logs (action StagedDelete). " +
			"If they are intended, choose Allow deletes. Otherwise fix their cause (assignments, " +
			"scoping filters or attribute mappings) and restart provisioning.",
	},
	quarantine.ReasonQuarantinedOnDemand: {
		meaning: "Microsoft detected a problem with the provisioning of this application and " +
			"placed it in quarantine manually.",
		action: "Review the provisioning logs and the application's provisioning settings. " +
			"Contact Microsoft support if the cause is not clear.",
	},
	quarantine.ReasonIngestionInterrupted: {
		meaning: "Reading users and groups from Microsoft Entra ID was interrupted.",
		action: "No change is needed if the next attempt succeeds. If the quarantine persists, " +
			"restart provisioning.",
	},
	quarantine.ReasonUnknown: {
		meaning: "The provisioning job was placed in quarantine for a reason the service does " +
			"not classify.",
		action: "Review the provisioning logs to find the errors, fix their cause, then restart " +
			"provisioning.",
	},
}
