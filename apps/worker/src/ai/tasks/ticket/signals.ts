// The ticket rubric (docs/ai.md) as keyword signals, in the languages tickets arrive in.
// Written for folded text (lower case, no accents, see `foldText`). Each one is a model
// feature: harm now, how many it reaches, and the things that are never urgent.
// A signal is one pattern or several: each stays short enough (about 200 characters) for
// recheck to prove it linear by automaton (rules/redos.test.ts): repeats are bounded and
// written as character classes, as recheck only fuzzes patterns with `\w*` or `.{m,n}`.

export const ticketSignals: Readonly<Record<string, RegExp | readonly RegExp[]>> = {
  // Urgent: the business is stopped or harmed now.
  outage: [
    /\b(down|outage|offline|incident|sev ?1|p1|production|prod|live site|fora do ar|fuera de servicio|caid[oa]|parad[ao]|steht still|stillstand|nicht erreichbar|ausfall|en panne)\b/,
    /\b(hors service|fuori servizio|non arrivano|bloccati|stopped|not (being )?(delivered|sent|processed|arriving|loading))\b/,
    /\b((is|are|was|were)n'?t (being )?(delivered|sent|processed|arriving)|no longer (works?|sent|delivered|arrives?))\b/,
    /\b((nobody|no one|none of (our|the) [a-z]{1,20}) (can|could|is able|are able|has|have)|nobody in|(n'est|ne sont) (plus )?(envoye|recu|livre)[a-z]{0,12}|no (new|inbound|incoming))\b/,
    /\b(nothing (gets|is|works|loads)|timing out|times out|can'?t (buy|sell|ship|pay|order|check ?out|get in|access|log ?in|work)|cannot (buy|sell|ship|pay|order|access|log ?in|work))\b/,
    /\b(unable to (work|access|log ?in|sell|answer)|(everyone|all of us|we are|we'?re|all (our )?(agents|users|staff)) (are )?locked out)\b/,
    /\b((nobody|no one|none of us)( [a-z]{1,12}){0,3} (has|have) been able|can'?t work at all|cannot work at all|gone out|going out)\b/,
    /\b(customers (can'?t|cannot|are unable to) (contact|reach|find|see|access|get|open|log ?in))\b/,
    /\b(sitting idle|no (customer|one|order) is being|not getting (any )?(answers|replies|emails|orders)|every (outgoing|incoming) (reply|email|message|call))\b/,
    /\b(no llegan?|ya no (llega|llegan|funciona|carga)|parad[oa]s|nao (chega|chegam)|n'arrivent plus|kommen nicht (mehr )?an|bounc[a-z]{0,4} back|relay denied)\b/,
    /\b(everyone is locked|completely|blind|blocking|blocked|maintenance page|502|503|service unavailable|bad gateway|unreachable|inaccessible|not (loading|responding))\b/,
    /\b((won'?t|doesn'?t|can'?t|cannot) load|unresponsive|halted|frozen|froze|every request|all requests|white screen|blank page|se cae|no funciona nada|ne fonctionne plus)\b/,
    /\b(funktioniert nicht mehr|geht nicht mehr|nao funciona|non funziona)\b/,
    /停止|ダウン|障害/,
    /\b(werkt (niet|niks) meer|ligt plat|storing|niet bereikbaar|kunnen niet (meer )?inloggen|awaria|nie dzia[lł]a[a-z]{0,3}|nie mozemy|nie da sie|fungerar inte|ar nere|ligger nere)\b/,
    /ログインできません|利用できません|繋がりません|つながりません/,
    /\b(er nede|virker ikke|star stille|star still|nefunguje|nejde|vypadek|cal[iı]sm[iı]yor|eri[sş][iı]lem[iı]yor|coktu|ferm[oa]|staat stil)\b/,
  ],
  security: [
    /\b(phishing|hack[a-z]{0,12}|pirat[a-z]{0,12}|takeover|breach[a-z]{0,12}|leak[a-z]{0,12}|exposed|compromised|unauthori[sz]ed|suspicious (login|activity|access)|unknown (ip|api calls|device|login))\b/,
    /\b(someone (else|logged|gained|accessed|changed)|quelqu'un s'est connecte|2fa (was )?disabled|other customers'?|another customer'?s|wrong (customers?|recipients?|people))\b/,
    /\b(anderer kunden|datenschutzvorfall|secret key|api keys?)\b/,
    /\b(passwords? (were|was) changed|(logged|signed) in from|changed (our|the) (payout|bank|email|password|iban)|stolen|impersonat[a-z]{0,12}|spoof[a-z]{0,12}|publicly (visible|accessible|available))\b/,
    /\b(anyone can (see|access|open)|fraud[a-z]{0,12}|malware|ransomware|ddos|vulnerabilit[a-z]{1,12}|personal data of|privacy incident|violacion|fuite|vazamento)\b/,
    /不正|漏洩/,
    /\b(datenleck|datalek|gehackt|onbevoegd[a-z]{0,3}|nieautoryzowan[a-z]{0,3}|wyciek[a-z]{0,3}|wlamanie|oszust[a-z]{0,4}|obehorig[a-z]{0,3}|dataintrang)\b/,
    /\b(publicamente|publiquement|pubblicamente|offentlich (zuganglich|sichtbar)|openbaar (toegankelijk|zichtbaar)|zonder (in te loggen|wachtwoord))\b/,
    /\b((di|de|d'|van|von) (un |una |uma |een |einer )?(altr[oia]|outr[oa]s?|otr[oa]s?|andere[nr]?) (client|cliente|clienti|azienda|empresa|pacientes?|paziente|persona|pessoa|klant|kunden|firma))\b/,
  ],
  dataLoss: [
    /\b(delet(ed|ing)|lost (all|the|our|my|data|every[a-z]{0,6}|some|\d{1,6})|disappeared|vanished|wip(ed|ing)|erased|purged|(are|is|were|was|all|everything) gone|verschwunden|geloscht|corrupt[a-z]{0,12}|rewrote|overwritten)\b/,
    /\b(overwrote|effaces|supprime[a-z]{0,12}|disparu|perdu[a-z]{0,12}|perdid[a-z]{0,12}|borrad[a-z]{0,12}|eliminad[a-z]{0,12})\b/,
    /\b(sumiram|apagad[a-z]{0,12}|perdidos|cancellat[a-z]{0,12}|persi|file not found|empty|data loss|(is|are|went|gone) missing)\b/,
    /\b((sind|ist) (alle )?weg|ist leer|sind leer|verloren|leer)\b/,
    /\b(missing (data|tickets|contacts|records|messages|emails|fields|values|attachments|files|orders|history))\b/,
    /消え|削除/,
    /\b(leeg|verdwenen|verwijderd|kwijt|zniknel[a-z]{0,3}|znikn[a-z]{0,3}|usuniet[a-z]{0,3}|utracon[a-z]{0,3}|puste|forsvunn[a-z]{0,3}|raderad[a-z]{0,3}|borttagn[a-z]{0,3})\b/,
    /\b(revert(ed|ing) (to|back)|(gone|went|changed) back to|rolled back|all reverted|undone|lost (our|my|their|the) (work|changes|edits))\b/,
    /\b(er v(ae|æ)k|slettet|smazan[a-z]{0,3}|zmizel[a-z]{0,3}|silindi|kayboldu|kayip|sparit[oi]|sumiu)\b/,
  ],
  money: [
    /\b(payments? (are |were |is )?(rejected|declined|failing|failed|not going through)|pagos rechazados|pagamentos recusados|paiements refuses|zahlungen( [a-z]{1,12}){0,2} abgelehnt)\b/,
    /\b((pagamentos|pagos|paiements|zahlungen)( [a-z]{1,12}){0,4} (recusad|rechazad|refuse|abgelehnt|fallan|falham)[a-z]{0,3})\b/,
    /\b((perdemos|perdimos|perdido|perdu)( [a-z0-9]{1,10}){0,2} (vendas|ventas|ventes|pedidos|commandes))\b/,
    /\b(losing (sales|money|revenue|orders|customers)|(charg|bill)(ing|ed|es) (all )?(our|my) (customers|clients|subscribers|users|members))\b/,
    /\b(customers (can'?t|cannot|are unable to) (pay|check ?out|buy|order)|payouts?|lost (sales|revenue)|perdiendo (ventas|dinero)|perdendo vendas|checkout|can'?t (buy|pay))\b/,
    /\b(orders? (are |were |is )?(stuck|blocked|not|lost)|pedidos parados|encomendas paradas|commandes bloquees)\b/,
  ],
  // High, not urgent (docs/ai.md): a double charge or a wrong large invoice hurts, but the business goes on.
  overcharge: [
    /\b(charged (twice|every|all|double|again|us|our|the wrong)|double[- ]?charged?|duplicate (charges?|payments?)|overcharged?|wrong (amount|invoice|charge))\b/,
    /\b(factur[a-z]{0,2} erron[a-z]{0,3}|rechnung (ist )?falsch|falsche rechnung|factura (erronea|incorrecta)|fatura (errada|incorreta)|invoice (is )?wrong)\b/,
    /\b(billed (us )?(twice|double)|refund the difference|cash flow|cobrad[oa]s? (dos veces|duas vezes|em dobro)|doppelt (abgebucht|berechnet)|deux fois)\b/,
    /\b(bledn[a-z]{1,3} faktur[a-z]{0,3}|faktura (jest )?bledna|fattura (errata|sbagliata)|factuur (klopt niet|is fout|onjuist)|onjuiste factuur|naliczono)\b/,
    /\b(zweimal (abgebucht|berechnet|belastet)|to gange|dvakrat|iki kez|due volte|twee keer|dwa razy|tva ganger|two charges|charged (2|two)|2 charges)\b/,
  ],
  largeAmount: [/[$€£]\d{1,3},\d{3}|[$€£]\d{4,7}/, /\b\d{1,3}[., ]\d{3}[ \t]?(€|eur|usd|gbp|dollars|euros)/],
  everyone: [
    /\b(all (of )?(our|the|my|[a-z]{1,20}s)|everyone|everybody|entire|whole|none of|nobody|no one|noone|100%|company-wide|organi[sz]ation-wide|todos|todas|nadie|nenhum|ninguem|ninguna?|alle)\b/,
    /\b(niemand|keiner|aucun|plus aucun|personne|tous|toutes|tutti|nessun[oa]?)\b/,
    /\b(our (clients|customers|users|callers|patients|guests|members) (cannot|can'?t|are unable|are not able)|to any (agent|user|one))\b/,
    /\b(every (single )?(one of|user|agent|customer|subscriber|client|ticket|order|request|page|email|reply|account|employee|store|team))\b/,
    /全て|全員|すべて/,
    /\b(iedereen|niemand|geen enkele|wszyscy|wszystk[a-z]{1,4}|nikt|zaden|zadna|ingen av|samtliga)\b/,
    /\b(ingen (kan|af)|nikdo|vsichni|zadny|hic kimse|herkes|tum)\b/,
  ],
  // Their own customers, all of them: the rubric's "cannot serve their own customers".
  allCustomers:
    /\b(every (single )?(customer|patient|client|guest|shopper|caller|visitor|buyer)|(all|none) of our (customers|patients|clients|guests|shoppers|callers|visitors)|todos (nuestros|los|os nossos|os) clientes|tous (nos|les) clients|alle (unsere )?kunden)\b/,
  many: [
    /\b\d{1,6}\+?[ \t]?(agents|users|customers|clients|tickets|orders|contacts|records|rows|people|ppl|patients|subscribers)\b/,
    /\b\d{1,6}\+?[ \t]?(staff|employees|mailboxes|accounts|stores|rendez-vous|kontakte|kunden|pedidos|clientes|ordini|commandes|usuarios|utilisateurs)\b/,
    /\b(hundreds|thousands|dozens|many|most) of\b/,
    /\b\d{1,6}(名|人|件)/,
  ],
  now: [
    /\b(right now|at the moment|currently|since (this morning|about|around|yesterday|last night|the (update|upgrade|release|deploy[a-z]{0,12}|migration)))\b/,
    /\b(since \d{1,2}([:.h]\d{2})?( ?(am|pm|cet|utc|gmt|est|pst))?|since the [a-z0-9]{1,10} (update|upgrade|release|deploy|migration))\b/,
    /\b(for (an|the last|\d{1,6}) (hour|hours|minutes)|an hour|\d{1,6} minutes ago|this morning|as of|desde (as|hace|ayer|esta|las|o)|depuis (ce matin|hier|cette nuit|\d))\b/,
    /\b(seit (heute|gestern|\d)|da (ieri|stamattina|oggi)|heute nacht|cette nuit|immediately|sofort)\b/,
    /\b(sinds (vanochtend|vannacht|gisteren|vandaag)|od (rana|dzisiaj|wczoraj|godziny)|sedan (i morse|igar|i natt))\b/,
  ],
  // Tone: shouting is not harm, so it is a signal of its own and never raises priority by itself.
  shouting: /\b(urgent[a-z]{0,12}|asap|emergency|critical|dringend|urgente|urgencia|urgence|important)\b|!!!/,
  // High: a major function broken or degraded, or a deadline soon.
  broken: [
    /\b(fail[a-z]{0,12}|errors?|broken|degraded|freez[a-z]{0,12}|hangs?|not working|doesn'?t work|does not work|stopped working|can'?t|cannot|unable|unusable|stuck|loop|rejected|drops?|dropped)\b/,
    /\b(disconnected|crash[a-z]{0,12}|500s?|404|timeouts?|slow|slowness|sluggish|very slow|takes (minutes|forever|ages)|laggy|lag|delayed|late|wrong|incorrect|errad[oa]s|fehler|erreur|falla|falha)\b/,
    /\b(errore|no funciona|ne fonctionne pas)\b/,
    /\b(funktioniert nicht|nao (funciona|consigo)|non funziona|bloque[a-z]{0,12}|no se ejecutan|kaputt|regression|locked out)\b/,
    /\b(duplicat[a-z]{0,6}|creates? two|sent twice|fires? twice|silently|does nothing|not appear[a-z]{0,3}|doesn'?t appear)\b/,
    /\b(shows? no data|no data (since|at all|anymore)|greyed out|lost access|(will be|is being|gets?) suspended|only (billing )?admin[a-z]{0,8})\b/,
    /\b(parou|pararam|dejo de|dejaron de|ha dejado de|a cesse de|hat aufgehort|ne (marche|fonctionne) plus|nao aparece[a-z]{0,2}|no aparece[a-z]{0,2}|bounc[a-z]{0,4}|crawling|painfully)\b/,
    /開けな|できな|エラー/,
    /\b(werkt niet|foutmelding|kapot|nie dzia[lł]a|blad|bledy|nie moge|fungerar inte|felmeddelande|trasig)\b/,
    /\b(bloccat[oa]|gesperrt|bloquead[oa]|zablokowan[a-z]{0,3}|geblokkeerd|lent[oa]?s?|langsam|traag|wolno|non riceve|no recibe|ne recoit|empfangt (keine|nicht)|ontvangt geen|nie otrzymuj[a-z]{0,3})\b/,
  ],
  partial: [
    /\b(one region|(in|for) one (region|team|workspace)|only (some|one|a few|certain)|half|a third|a quarter|about \d{1,6}%|\d{1,6}% of|\d{1,6} in \d{1,6}|some (users|of|customers|agents))\b/,
    /\b(large share|most|certain)\b/,
    /\b(intermittent[a-z]{0,12}|degraded)\b/,
  ],
  // One user's bug is normal (docs/ai.md): a single person affected is no partial outage.
  onePerson: [
    /\b(a few (users|agents|customers)|one (user|colleague|agent|person|customer)|une collegue|un collegue|eine kollegin|ein kollege|un usuario|a colleague|only (me|one|for me))\b/,
    /\b(just me|the rest of us|everyone else|all (the )?others|alle anderen|los demas|les autres)\b/,
  ],
  deadline: [
    /\b(tomorrow|tonight|by (friday|monday|tuesday|wednesday|thursday|end of)|before (monday|tuesday|wednesday|thursday|friday|the|renewal|our)|due|deadline|audit|demo|presentation|launch)\b/,
    /\b(go-live|board meeting|investor[a-z]{0,12}|client meeting|this afternoon|end of (the )?day|eod|payroll|month-end|year-end|end of (the )?(month|quarter|year)|next week|go live|can'?t go live)\b/,
    /\b(renewal|suspend[a-z]{0,12}|expire[a-z]{0,12}|demain)\b/,
    /\b(manana|morgen|amanha|domani|antes del|avant (le|la|vendredi|lundi)|vendredi|viernes|sexta|quinta|freitag|venerdi|reunion|reuniao|meeting)\b/,
    /明日/,
  ],
  workaround: [
    /\b(workaround|work around|still works|works? (fine|once|if|for|again)|are fine|is fine|is ok|are ok|manual[a-z]{0,12}|for now|in the meantime|(look|looks|seem|seems) fine|retries (mostly )?work|retrying works)\b/,
    /\b(smaller( [a-z]{1,12}){0,3} work|default( [a-z]{1,12}){0,3} works|we paused|muted|funciona si|works|otherwise fine|can still|still able|solucion temporal|contournement)\b/,
  ],
  // A denial reverses its signal: "there is no workaround", "nothing is down".
  noWorkaround:
    /\b(no (workaround|way around|stopgap)|without (a )?(workaround|stopgap)|nothing (we can do|works)|sin solucion|kein workaround|aucune solution)\b/,
  noDeadline: /\b(no (deadline|due date)|pas de (deadline|date limite)|sin fecha limite|keine deadline)\b/,
  notDown:
    /\b(nothing is down|not (a full |an )?(outage|down)|isn'?t down|not completely down|still (up|online|running))\b/,
  // Normal: a question, set-up help, a small billing change.
  howTo: [
    /\b(how (do|can|does|to|should)|where (can|do|is)|is there a (way|guide|setting|option)|is it possible|guide|tutorial|documentation|set ?up|configur[a-z]{1,12}|enable|question|como)\b/,
    /\b(comment (faire|puis|peut)|wie (kann|konnen|richte)|come (posso|si)|podem me indicar|what are|can we|can i|do you support)\b/,
    /\b(do you (retry|offer|allow|keep|store|have|provide)|how (many|long|often|much)|is there an? (api|export|limit|setting))\b/,
    /どこから|方法|教えて/,
    /\b(hoe (kan|stel|doe|zet)|jak (moge|mozna|ustawic|przenies[a-z]{0,3}|zmienic|dodac)|come (faccio|posso|si fa)|wie (stelle|andere|kann ich)|comment (je|on)|como (puedo|hago|se))\b/,
  ],
  billingAdmin: [
    /\b(invoices?|receipt|vat|tax id|billing (address|details|contact|email)|facture|factura|fatura|rechnung|facturacion|prorata|plan|subscription|abonnement|suscripcion|assinatura|seats?)\b/,
    /\b(licen[cs]es?|add ([a-z]{1,20} )?(users?|agents?|seats?)|remove ([a-z]{1,20} )?(users?|agents?)|upgrade|downgrade|cancel|ajouter|refund|reembolso|remboursement|credit note)\b/,
    /請求書|領収書/,
    /\b(faktur[a-z]{0,3}|factuur|fattur[ae]|rozliczen[a-z]{0,3}|abonament[a-z]{0,3}|abbonamento|abonnement)\b/,
  ],
  intermittent:
    /\b(sometimes|a veces|now and then|occasionally|from time to time|once in a while|intermitt[a-z]{0,12}|\d-\d times|sporadic[a-z]{0,12}|parfois|manchmal|as vezes|a volte|randomly)\b/,
  // Low: no harm now.
  // An attack or injection attempt sent to support is low (docs/ai.md), never a security incident.
  attempt: [
    /\b(ignore (all )?(the )?(previous|prior|above|earlier) (instructions|prompts?)|system (note|prompt|message) to|you are now|disregard (all|your|the))\b/,
    /document\.cookie|alert\(|\b(drop table|union select|xss)\b/,
  ],
  featureRequest: [
    /\b(feature request|would be (nice|great|lovely|cool|helpful|awesome)|it'?d be (nice|great|cool)|would love|we'?d love|nice to have|any plans|on the roadmap|roadmap|please add)\b/,
    /\b(could you add|can you add|idea|suggestion|suggest|wish|request for|sugestao|sugerencia|seria (otimo|genial|bueno|bom)|wunsch|ware (schon|toll|super)|ce serait bien|il serait bien)\b/,
    /\b(serait-il possible|sarebbe bello|calendar view)\b/,
    /\b(dark mode)\b/,
    /\b(modalita scura|modo oscuro|dunkelmodus|dark ?modus|mode sombre|donkere modus|tryb ciemny|tema scuro|modo escuro)\b/,
  ],
  cosmetic: [
    /\b(typo|typos|spelling|misspel[a-z]{0,12}|cosmetic|font|fonts|colou?rs?|tooltip|cut off|truncated|alignment|misaligned|aligned|padding|spacing|logo|icon|badge|blurry|pixelated|label|emojis?)\b/,
    /\b(mascot|photo|avatar|sticker[a-z]{0,12}|swag|wording|grammar|layout|css)\b/,
  ],
  // Plain "thanks" closes every kind of ticket; praise is a message that exists to thank.
  praise: [
    /\b(great job|good work|great work|love (it|the)|loving|well done|kudos|keep up|wanted to (say|thank)|just (to )?(say|thank)|agradec[a-z]{0,12}|vielen dank|lob|bravo|excellent|awesome)\b/,
    /\b(appreciate[a-z]{0,12}|feedback)\b/,
    /ありがとう/,
  ],
  notUrgent: [
    /\b(not urgent|no rush|no deadline|no hurry|not (a )?(big deal|problem|priority|blocking)|whenever|when you (have|get) (time|a chance|a sec)|low priority|minor|kein drama)\b/,
    /\b(nicht dringend|nao e urgente|no es urgente|pas urgent|non urgente|just (exploring|testing|curious|wanted|fyi|so you know)|curiosit[a-z]{1,12}|par simple|random q|out of curiosity)\b/,
    /\b(is this thing on|test ticket)\b/,
  ],
  // Already solved: the customer says it works again, or asks to close the ticket.
  solved: [
    /\b((is|been|got|now|all|already) solved|solved (it|now)|please close|you can close)\b/,
    /\b(close (this|the ticket)|all good now|never ?mind|works now)\b/,
    /\b(ya funciona|pueden cerrar|funktioniert wieder|fonctionne a nouveau|werkt weer|dziala juz|juz dziala|funziona di nuovo|ora funziona|podeis cerrar|vous pouvez fermer)\b/,
    /\b(virker igen|kan lukke|fungerar igen|kan stanga|mozna zamknac|mozecie zamknac|podem fechar|desconsider[a-z]{1,5}|ja esta (tudo )?(certo|resolvido)|uz funguje|muzete uzavrit|duzeldi|kapatabilirsiniz|risolto|potete chiudere|hat sich erledigt|opgelost|c'est regle|resolu|resuelto|resolved)\b/,
  ],
};
