// Package notify writes the quarantine email Entra sends (ENTRA-QUAR-06):
// one message from azure-noreply@microsoft.com to the app's Notification
// Email when the job enters quarantine, and another when the reason changes.
// The emulator cannot send mail, so each message is an RFC 5322 file (.eml)
// in an outbox folder, named after its time and reason so that runs on the
// simulated clock produce the same files every time.
//
// Microsoft does not publish the email's text; the wording here paraphrases
// the quarantine article (DOC S4) and the accidental-deletions article
// (DOC S13).
package notify
