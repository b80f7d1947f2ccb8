package handlers

// The prefixes of the features' buttons, named once (callback data has
// one grammar, chat.Data). Dialogs use their name as their prefix.
const (
	cbLibrary        Prefix = "vb"   // vb[:<kind>:<offset>]
	cbDocument       Prefix = "doc"  // doc:<id>
	cbText           Prefix = "dt"   // dt:<id>:<page>
	cbFile           Prefix = "df"   // df:<id>
	cbWithdraw       Prefix = "dw"   // dw:<id>[:y]
	cbStudied        Prefix = "hoc"  // hoc:<assignment>[:c]
	cbPushAgain      Prefix = "hp"   // hp:<assignment>
	cbOfflineStart   Prefix = "hoff" // opens the offline-study dialog
	cbRemindLater    Prefix = "nls"  // nls: remind me tomorrow
	cbQuiz           Prefix = "qz"   // qz:s:<assignment> | qz:a:<attempt>:<question>:<option>
	cbDeliveryReport Prefix = "gbc"  // gbc:<campaign>
	cbInvite         Prefix = "moi"  // moi:p:<offset> | moi:m:<member>
	cbReportEdit     Prefix = "rs"   // rs:<m|s>:<report>, "Sửa" on a stored report
	cbReview         Prefix = "rv"   // rv:<l|v|ok|back>:<report>, officers' review
	cbMeetingAnswer  Prefix = "hop"  // hop:<y|n>:<meeting>, a member's answer to a notice
	cbMeetingTally   Prefix = "lh"   // lh:<meeting>, the answers for the secretary
)
