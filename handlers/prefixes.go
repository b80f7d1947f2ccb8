package handlers

import "sotay/handlers/chat"

// The prefixes of the features' buttons, named once (callback data has
// one grammar, chat.Data). Dialogs use their name as their prefix.
const (
	cbLibrary        chat.Prefix = "vb"   // vb[:<kind>:<offset>]
	cbDocument       chat.Prefix = "doc"  // doc:<id>
	cbText           chat.Prefix = "dt"   // dt:<id>:<page>
	cbFile           chat.Prefix = "df"   // df:<id>
	cbWithdraw       chat.Prefix = "dw"   // dw:<id>[:y]
	cbStudied        chat.Prefix = "hoc"  // hoc:<assignment>[:c]
	cbPushAgain      chat.Prefix = "hp"   // hp:<assignment>
	cbOfflineStart   chat.Prefix = "hoff" // opens the offline-study dialog
	cbRemindLater    chat.Prefix = "nls"  // nls: remind me tomorrow
	cbQuiz           chat.Prefix = "qz"   // qz:s:<assignment> | qz:a:<attempt>:<question>:<option>
	cbDeliveryReport chat.Prefix = "gbc"  // gbc:<campaign>
	cbPushDocument   chat.Prefix = "gd"   // gd:<document>: /gui with the document chosen
	cbInvite         chat.Prefix = "moi"  // moi:p:<offset> | moi:m:<member>
	cbReportEdit     chat.Prefix = "rs"   // rs:<m|s>:<report>, "Sửa" on a stored report
	cbReview         chat.Prefix = "rv"   // rv:<l|v|ok|back>:<report>, officers' review
	cbMeetingAnswer  chat.Prefix = "hop"  // hop:<y|n>:<meeting>, a member's answer to a notice
	cbMeetingTally   chat.Prefix = "lh"   // lh:<meeting>, the answers for the secretary
	cbRecordPaper    chat.Prefix = "pq"   // opens the quarterly record's dialog (papers.go)
	cbFollowUp       chat.Prefix = "fu"   // the follow-up list, or the dialog to pick its cell
	cbAlerts         chat.Prefix = "cbao" // cbao:<page>:<org>, /canhbao's pages (org 0: the whole scope)
	cbListen         chat.Prefix = "ng"   // ng:<doc>:<lang>, a voice summary sent (listen.go)
	cbVoices         chat.Prefix = "gn"   // gn:<doc>, a document's voice summaries (voice.go)
	cbLanguage       chat.Prefix = "lg"   // lg:<lang> | lg:-, the member's language (listen.go)
	cbWeb            chat.Prefix = "web"  // web:l:<offset> | web:m:<member> | web:x:<member>, web sign-in in /moi
)
