"""German phrases (see ``phrases.py``). German puts the verb second and the negator late
("wir nehmen ihn nicht"), so a negator may follow the phrase (``negation_after``)."""

from mailflow.inbound.parse.understand.lexicon import build

_OBJ = "ihn|sie|es|das|den|die|diesen|diese|dieses|lead|auftrag|kunden|anfrage|job|projekt"

LEXICON = build(
    "de",
    negation_after=4,
    stopwords="""der die das und ist nicht wir ich sie es ein eine einen den dem mit für auf
        zu im in von bei haben hat wird werden noch schon aber auch nur sind war gerne danke
        bitte leider kein keine uns ihnen kunde kunden mal heute morgen gestern dass wie was""",
    phrases={
        "pick": """
            we take it
            we take this one
            we will take it
            count us in
            bestätigen|bestätige ~2 unser|unsere interesse
            gebt|gebts|gib|gibs uns|mir ~1 den|die|das|ihn
            schicken|senden|geben ~1 sie ~1 mir|uns ~3 nummer|telefonnummer|kontaktdaten|
                kontakt =0.85
            übernimmt bei uns
            den|die|das|diesen|diese ~1 übernimmt|übernehmen|übernehme =0.9
            anfrage|lead|auftrag|projekt ~2 bearbeiten|übernehmen|annehmen =0.85
            übernehme ich @end
            übernehmen wir @end
            bestätigen|bestätige ~3 übernahme
            übernahme ~4 bestätigt
            schnappen|schnapp|krallen ~1 wir|ich ~1 uns|mir|den|das|ihn
            ist|liegt unser gebiet|revier
            liegt in unserem gebiet|revier
            jo|ja|ok passt @whole
            nehm|nehme ich|wir @end
            ist|liegt ~1 in unserem ~1 gebiet|revier|einzugsgebiet =0.85
            wir|ich nehmen|nehme|übernehmen|übernehme|bearbeiten|bearbeite
            wir machen das|es|den|ihn
            nehmen|übernehmen|bearbeiten wir|ich
            machen|mache wir|ich @end
            nehmen|nehme ~3 an
            angenommen
            annehmen
            zusage|zusagen|zugesagt
            übernehmen|übernommen =0.85
            nehmen @solo
            ja @solo
            ja ~1 gerne|bitte|klar|natürlich|machen|nehmen|wir|ich
            jawohl|jep|jo|gerne|klar|natürlich|selbstverständlich|sicher|logo|einverstanden @solo
            sehr gerne
            gerne ~2 übernehmen|nehmen|bearbeiten|machen
            kümmern uns|mich
            wir sind|bin dabei
            sind|bin dabei @solo
            her damit
            geht klar
            passt @solo =0.75
            interesse =0.85
            interessiert =0.85
            schaffen|stemmen|hinbekommen|leisten|bedienen|abdecken =0.8
            zuschlagen =0.8
            pick @solo
            take @solo
            nehmen|nehme|übernehmen|übernehme|machen|mache ~2 gerne|gern
            gerne|gern ~2 dabei
            das|den|die|diesen|diese|ihn|es nehmen|nehme|übernehmen|übernehme|machen|mache wir|ich
            das machen|übernehmen|nehmen wir|ich
            ist ~1 unser|unserer|meiner @solo
            auf ~1 uns|mich zählen
            trag|tragt|tragen ~2 uns|mich ~1 ein
            wir|ich bin|sind interessiert =0.85
            wir|ich kümmern|kümmere uns|mich ~3 darum|drum|gerne
            passt uns|mir|super|gut|perfekt =0.85
            klingt gut|super|interessant @solo =0.8
            wir|ich würde|würden|möchte|möchten|wollen|will ~3 übernehmen|nehmen|machen|haben
            in ordnung @solo =0.8
            gebt|gib ~3 uns|mir
            sind|bin wir|ich ~1 gerne|gern|natürlich|sofort|sehr? dabei
            schickt|schick|sendet|leitet ~2 uns|mir ~3 kontakt|kontaktdaten|nummer|
                telefonnummer =0.85
        """,
        "decline": """
            geben sie ihn|es ~1 an einen|einem kollegen|partner|anderen
            geben sie den lead ~1 an einen|einem kollegen|partner|anderen
            lead|anfrage|kontakt ~1 zurückgeben|zurück|zurückgegeben
            geben|gebe ~3 zurück
            lohnt|rentiert ~1 sich ~6 nicht @neg
            an|einen|einem ~2 kollegen|kollegin|partner|mitbewerber ~3 geben|weitergeben|vergeben|
                schicken|anbieten|übergeben =0.9
            also|daher|deshalb ~1 leider? nein|nicht @end
            gebt|gib|geben ~3 jemand|jemandem|jemanden ~1 anderem|anderen|anders
            jemand|jemandem|jemanden ~1 anderem|anderen|anders ~2 geben|weitergeben|schicken|
                geben|vermitteln|zuteilen
            an ~1 jemand|jemanden|einen ~1 anderen|anders|anderem ~2 geben|weitergeben|schicken
            sausen lassen
            lassen ~2 sausen
            tun wir uns nicht ~1 an
            lassen wir ~2 bleiben|sein
            ablehn*
            abgelehnt
            lehnen|lehne ~3 ab
            absage
            sagen|sage ~3 ab
            nein @solo
            nein danke
            nee|nö @solo
            leider nein
            passen|passe @solo
            wir|ich passen|passe
            müssen|muss ~2 passen
            kein bedarf
            nicht|nichts für uns
            nicht @solo =0.9
            lieber nicht
            bitte ~3 vergeben|weitergeben|weiterleiten|weiterreichen|geben|anbieten
            an ~2 anderen|andere|anderes|nächsten ~1 partner|betrieb|kollegen|händler ~2 geben|
                vergeben|weitergeben
            verzichten
            können|kann|werden|werde ~3 nicht ~2 übernehmen|annehmen|machen|bedienen|leisten|
                schaffen|
            abdecken
            schaffen|übernehmen|machen ~1 wir|ich ~2 nicht
            müssen|muss ~3 absagen|ablehnen|verzichten
            ohne uns
            diesmal nicht
            nicht für mich
            bitte ~3 weiterleiten|weitergeben|anderweitig
            ist nichts für uns|mich
            gebt|gib|gebe|geben ~3 lieber|gerne ~2 an|einem|einer|einen|anderen|kollegen|jemand
            können|kann|werden|werde ~3 nicht ~2 kümmern|betreuen|begleiten|annehmen
        """,
        "reason": """
            aus dem programm|sortiment genommen
            führen wir nicht mehr
            keine privatkunden
            nur gewerbliche|gewerbe|geschäftskunden|firmenkunden
            schon|bereits von einem kollegen|partner|mitbewerber betreut
            falsche|falscher|falschen ansprechpartner|adresse|partner
            führen|verkaufen|vertreiben|machen|bieten|bauen wir ~5 nicht mehr|keine
            fahren|fahre wir|ich ~1 nicht|keine ~2 km|kilometer|weit
            übersteigt|übersteigen|sprengt|sprengen ~4 kapazität*|möglichkeiten|rahmen
            sind|bin ~1 wir|ich ~2 nicht|kein|keine ~2 zertifiziert|zugelassen|autorisiert|
                lizenziert|qualifiziert|händler|vertriebspartner|partner|wiederverkäufer|
                zertifizierter|
                autorisierter|fachbetrieb
            wir|ich sind|bin ~2 nicht|kein|keine ~2 zertifiziert|zugelassen|autorisiert|
                lizenziert|qualifiziert|händler|vertriebspartner|partner|wiederverkäufer|
                zertifizierter|
                autorisierter|fachbetrieb
            verkaufen|vertreiben|installieren|montieren ~2 wir|ich ~2 nicht|kein|keine
            zu weit
            weit weg|entfernt
            entfernung ~2 zu
            außerhalb|ausserhalb ~3 gebiet*|region|einzugsgebiet*|radius|bereich*|reichweite|zone
            nicht ~1 unser|unsere|unseres|unserem ~1 gebiet|region|gewerk|bereich|fachgebiet|metier|
                thema|sache|kerngeschäft|feld|schwerpunkt
            nicht in unserem gebiet|bereich|einzugsgebiet|radius
            kein|keine|keinen kapazität*|personal|leute|zeit|monteure|termine|luft|ressourcen|
                mitarbeiter|kapa
            ausgelastet|ausgebucht|überlastet|unterbesetzt|dicht
            voll ~2 bis|belegt|ausgebucht|ausgelastet
            bis ~4 ausgebucht|voll|ausgelastet|belegt
            zu viel ~1 arbeit|zu tun
            zu klein|groß|gross|aufwendig|aufwändig|speziell
            nur gewerbe|privat|neubau|altbau
            lohnt sich nicht
            machen|bieten|verbauen|installieren|montieren wir ~2 nicht|kein|keine
            bieten|machen ~2 nicht mehr an
            nicht ~1 unsere|unser ~1 ecke|baustelle|liga|region
            zu ~1 weit|weiten ~1 weg|entfernt|anfahrt
            keine|kein|keinen ~1 freien ~1 kapazität*|termine|monteure|leute|slots
            komplett|völlig|total ~1 ausgelastet|ausgebucht|voll|dicht|zu
            nehmen ~3 keine ~1 neuen|weiteren ~1 aufträge|kunden|projekte|anfragen
            land unter
            bis oben hin|oberkante
            lohnt|lohnen ~4 nicht
            anfahrt ~3 zu|weit|lang|lohnt
            passt|klappt|geht ~1 zeitlich|terminlich|kapazitätsmäßig|kapazitiv ~3 nicht
            zeitlich|terminlich ~3 nicht ~1 machbar|drin|möglich|hin|darstellbar
            wir|ich arbeiten|arbeite|bedienen|installieren|betreuen|decken ~2 nur|ausschließlich|
                lediglich
            fassen|rühren wir ~2 nicht|kein|keine ~1 an
            über|gut|knapp|fast ~1 # km|kilometer|stunden
            mehr als ~1 # km|kilometer|stunden
            stunden|std ~1 fahrt|anfahrt|fahrzeit|autofahrt|weg
            im|in urlaub|elternzeit =0.6
            urlaub|elternzeit bis =0.6
            zeitlich|terminlich passt|klappt|geht|passen|klappen|gehen ~3 nicht
            decken|deckt ~3 nicht ~1 ab
            fahren|bedienen|betreuen wir ~2 nicht
            nur|ausschließlich|lediglich im|in ~1 raum|umkreis|landkreis|kreis|großraum|bereich|
                gebiet|region
        """,
        "contacted": """
            vorstellungsmail|einführungsmail|präsentationsmail|infomail|begrüßungsmail|
                vorstellungs|kennenlernmail ~5 raus|geschickt|verschickt|gesendet|versandt|
                versendet|rausgegangen
            erstkontakt ~2 hergestellt|erfolgt|gemacht|aufgenommen
            erster kontakt ~2 hergestellt|erfolgt|gemacht|aufgenommen
            erstkontakt @solo
            kontaktiert
            angerufen
            telefoniert
            erreicht
            gesprochen
            angeschrieben|gemailt|angemailt
            kontakt ~2 aufgenommen|hergestellt|gehabt
            in kontakt
            kontaktaufnahme|erstkontakt
            hatte|hatten ~2 telefonat|gespräch
            telefonat ~2 geführt|gehabt
            contacted
            called
            ans|am telefon|apparat|handy ~2 bekommen|gekriegt|gehabt|erreicht
            telefonisch ~2 erreicht|gesprochen|kontakt
            rief|riefen ~4 an
            sprach|sprachen ~2 mit
            unterhalten|geplaudert|gequatscht|geschnackt|ausgetauscht
            in verbindung gesetzt|getreten
            verbindung ~2 gesetzt
            habe|hab|haben ~3 gemeldet
            hat|haben ~3 zurückgerufen
            zurückgerufen
            mail|e|email|nachricht|whatsapp ~2 geschickt|geschrieben|gesendet|geschrieben
            kontakt ~4 aufgenommen|hergestellt|gehabt
            im austausch|gespräch
        """,
        "attempt": """
            mailbox|anrufbeantworter|sprachbox ~3 erwischt|draufgesprochen|draufgsprochen
            angrufen|angrufa
            mail|email|sms|whatsapp ~4 geschickt|geschrieben|gesendet|verschickt
            nachricht|mailbox|ab|anrufbeantworter|sprachnachricht|rückrufbitte ~3 hinterlassen|
                hinterlegt|gesprochen|draufgesprochen|geschickt
            auf ~2 mailbox|band|ab|anrufbeantworter ~1 gesprochen
            versucht ~3 erreichen|anzurufen|kontaktieren
            versuch* ~3 zu erreichen
            niemand|keiner ~1 erreicht|abgenommen|abgehoben|rangegangen|erreichbar =0.75
            geht ~2 nicht ran =0.75
        """,
        "meeting": """
            vorgeführt|präsentiert =0.85
            begehung|besichtigung|vor ort termin ~8 ist|steht fix
            teams|zoom|video call|meeting|termin|konferenz
            probefahrt|testfahrt|probefahrten|testfahrten|vorführung ~6 war|waren|stattgefunden
            waren|war|sind|bin ~10 vor ort
            war|waren|wir ~2 beim|bei ~1 kunden|kunde|ihm|ihr|ihnen
            termin*
            beratungstermin|besichtigungstermin|kundentermin|aufmaßtermin|vororttermin|ortstermin
            besichtigung*
            besuch*
            vor ort ~2 termin|am|morgen|nächste|nächsten|gewesen|waren|war|bei|montag|dienstag|
                mittwoch|donnerstag|freitag|samstag
            treffen|getroffen|treffe|trafen
            aufmaß|aufmass
            beratungsgespräch
            meeting
            vorbeigeschaut|vorbeigefahren|vorbeigegangen
            vorbei ~2 geschaut|gefahren|gewesen|gucken|schauen
            angeschaut|angesehen|begutachtet|ausgemessen|vermessen =0.85
            beim|bei ~1 kunden|ihm|ihr|ihnen ~2 gewesen|waren|war
            beim|bei ~1 kunden|ihm|ihr|ihnen ~2 vor ort
            sind|bin|waren|war ~3 dort|da|drüben ~1 gewesen
            demo|präsentation|vorführung|videocall|videokonferenz|onlinetermin
            hat|haben ~3 stattgefunden
        """,
        "proposal": """
            angebot|offerte ~8 liegt|lag ~4 vor
            angebot ~12 zugeschickt|zugesandt|übermittelt|verschickt haben|hat =0.85
            angebot ~8 liegt seit ~3 beim|bei
            angebot ~6 beim kunden
            angebot ~6 bei dem kunden
            angebot ~6 liegt|ist seit ~3 beim kunden
            angebot|offert ~1 gelegt
            angebot|offerte|kostenvoranschlag ~14 gegangen|rausgegangen|übermittelt|zugestellt|
                übergeben =0.85
            angebot|offerte|kostenvoranschlag ~14 versendet|versandt|verschickt|raus =0.85
            angebot|offerte|kostenvoranschlag ~8 beim|bei dem kunden|kundin|bauherrn =0.85
            angebot|kostenvoranschlag|angebote ~12 zukommen lassen =0.85
            angebot|kostenvoranschlag|offerte|preisangebot ~14 übermittelt|zugestellt|versandt|
                zugesandt|unterbreitet|übersandt|überreicht|zugeleitet =0.85
            angebot|kostenvoranschlag|kva|offerte|preisangebot|angebote ~2 ging|gingen|gegangen
            angebot|kostenvoranschlag|kva|offerte|preisangebot|angebote ~5 geschickt|gesendet|
                verschickt|erstellt|abgegeben|gemacht|raus|unterbreitet|übermittelt|rausgegangen|
                rausgeschickt|versendet|versandt|eingereicht|zugeschickt|abgeschickt|vorgelegt|vor|
                draußen|erstellt|gegangen|übergeben
            geschickt|gesendet|verschickt|erstellt|abgegeben|unterbreitet|übermittelt|zugeschickt|
                rausgeschickt|vorgelegt|eingereicht ~3 angebot|kostenvoranschlag|kva|offerte|preis
            angeboten
            angebot|kostenvoranschlag|kva|offerte @solo
            quote|proposal ~2 sent
            angebot|kostenvoranschlag|kva|offerte|preisangebot|angebote ~3 liegt|liegen ~2 vor|beim|
                bei
            kalkuliert|durchkalkuliert =0.85
            preis ~2 genannt|mitgeteilt|durchgegeben|geschickt
            angebot|kostenvoranschlag|kva|offerte|preisangebot|angebote ~6 zugestellt|überreicht|
            ausgehändigt|gemailt|rausgeschickt|übermittelt|geschickt
            angebot|kostenvoranschlag|kva|kv|offerte|preisangebot ~6 zukommen|unterbreitet|
                vorgelegt|eingereicht =0.85
            kv|kva ~2 ist|sind|ging|gingen ~1 raus|rausgegangen|draußen|verschickt|unterwegs
            kv|kva raus|verschickt|versendet|rausgeschickt
            angebot|kostenvoranschlag|kva|kv|offerte ~10 raus|rausgegangen|verschickt|versendet|
                rausgeschickt =0.85
            angebot|kv|kostenvoranschlag|offerte ~2 beim kunden|bauherrn|interessenten
        """,
        "won": """
            hat|haben zugeschlagen
            auftrag|zuschlag ~8 erteilt|erteilte =0.9
            bestellung|auftrag|auftragsbestätigung ~4 ist|sind da
            unterschriebene|unterschriebener|unterschriebenen|unterzeichnete|
                unterzeichneter auftrag|vertrag|bestellung
            is|ist fix @whole
            rechnung ~8 beglichen|bezahlt|überwiesen =0.85
            uns ~4 auftrag|zuschlag ~8 erteilt|vergeben|übertragen|gegeben =0.9
            auftrag|zuschlag|job|projekt|deal ~3 ergattert|geangelt|abgestaubt
            gewonnen
            auftrag|zuschlag|bestellung|vertrag|auftragsbestätigung ~3 erhalten|bekommen|erteilt|
                unterschrieben|unterzeichnet|da|eingegangen|bestätigt|fix|sicher|platziert|
                abgeschlossen|erteilt|unser
            erhalten|bekommen|haben ~2 auftrag|zuschlag|bestellung
            unterschrieben|unterzeichnet
            verkauft
            beauftragt
            bestellt
            anzahlung ~2 erhalten|eingegangen|bezahlt|da
            unser|unseren angebot ~3 angenommen|akzeptiert|bestätigt|unterschrieben
            hat geklappt =0.8
            deal @solo
            won
            unter dach und fach
            in trockenen tüchern
            eingetütet
            grünes licht =0.85
            bei|mit uns ~3 gekauft|bestellt|unterschrieben|beauftragt|abgeschlossen
            uns ~2 beauftragt
            uns ~2 auftrag|zuschlag ~1 gegeben|erteilt
            auftrag ~2 ist|gehört ~1 unser|uns
            zum zug gekommen
            angebot|kostenvoranschlag|kv ~2 einverstanden|zugestimmt =0.85
            kunde|kundin|bauherr|er|sie ~3 ja gesagt|zugesagt @end
            auftrag|vertrag ~2 durch|durchgegangen
        """,
        "lost": """
            hat|haben sich ~2 anders entschieden
            kein budget @neg =0.85
            haushaltssperre =0.85
            beim|im|vom baumarkt ~8 gekauft|geholt|besorgt
            auf unbestimmte zeit verschoben|zurückgestellt
            projekt|vorhaben|bauvorhaben|neubau|umbau ~3 gestoppt|eingestellt|gestrichen|abgeblasen
            geben|gebe ~2 auf @end =0.85
            schließen|schließe|haben|habe ~3 thema|vorgang|akte|fall|lead|anfrage ~1 ab|
                abgeschlossen =0.85
            thema|vorgang|akte|fall|lead|anfrage ~2 abgeschlossen|erledigt|geschlossen =0.8
            abgeschrieben|abhaken|abgehakt
            haken|hake ~3 ab
            vom|von|durch|beim ~3 schwager|nachbarn|nachbar|cousin|bekannten|freund|kumpel|bruder|
                onkel|neffen|baumarkt ~4 gemacht|erledigt|installiert|montiert|machen|einbauen|
                gekauft
            schwager|nachbar|cousin|bekannte|freund|kumpel|bruder|onkel|neffe ~4 gemacht|erledigt|
                installiert|montiert|eingebaut|übernommen
            wird|werden ~2 nicht umgesetzt|realisiert|gebaut|durchgeführt @neg
            billigere|günstigere|billigste|günstigste|andere|anderes ~2 angebot|anbieter|firma|
                installateur ~2 genommen|gewählt|vorgezogen|beauftragt|entschieden
            für|fürs ~1 billigere|günstigere|andere|anderes ~2 entschieden
            verloren
            abgesagt =0.85
            abgesprungen
            storniert|storno
            geplatzt
            für ~3 konkurrenz|wettbewerber|wettbewerb|mitbewerber|anderen|andere|anderes|
                günstigeren|billigeren ~2 entschieden
            konkurrenz|wettbewerber|mitbewerber|anbieter ~3 genommen|beauftragt|gewählt|bekommen|
                erhalten|entschieden|vorgezogen
            anderweitig|woanders|anderswo ~2 vergeben|gekauft|bestellt|beauftragt|entschieden
            nicht zustande gekommen
            nichts ~1 geworden
            zu teuer =0.8
            hat sich erledigt =0.8
            entschieden sich dagegen
            sich dagegen entschieden
            lost
            ging|gingen|geht|gegangen|vergeben|gegeben ~3 an|zur|zum ~2 anderen|andere|anderer|
                konkurrenz|
            mitbewerber|wettbewerber|billigeren|günstigeren|billigsten|günstigsten
            anderen|andere|anderer ~1 installateur|anbieter|betrieb|firma|handwerker|fachbetrieb|
            unternehmen|monteur|elektriker|heizungsbauer|partner|dienstleister|
                solarteur ~3 beauftragt|
            genommen|gewählt|entschieden|vorgezogen|bekommen|erhalten
            mit|bei ~2 anderen|andere|anderer|konkurrenz|mitbewerber|wettbewerber ~3 gemacht|
            abgeschlossen|unterschrieben|bestellt|gekauft
            günstigeren|billigeren|günstigsten|billigsten ~1 anbieter|angebot ~3 genommen|gewählt|
            entschieden
            springt|sprang|sprangen ~3 ab
            zieht|zog|zogen ~3 zurück
            zurückgezogen|zurückgetreten
            sagt|sagte|sagten ~3 ab =0.85
            macht|machen|machts ~2 selbst =0.8
            abgewunken|abgewinkt
            projekt|vorhaben|auftrag|deal|sache ~5 gestorben|geplatzt|abgeblasen|gecancelt
            projekt|vorhaben|auftrag|deal|sache ~2 tot
            angebot|kostenvoranschlag|offerte|kva ~3 abgelehnt|zurückgewiesen
            den|ihn haben|hatten|hat wir|ich|er ~1 nicht bekommen|gekriegt|gewonnen|erhalten|geholt|
                ergattert @neg
            auftrag|zuschlag|job|projekt|deal ~3 nicht bekommen|gekriegt|gewonnen|erhalten|geholt|
                ergattert @neg
            nicht den zuschlag @neg
            nicht zum zug gekommen @neg
            nicht ~1 berücksichtigt|ausgewählt|genommen @neg
            an ~2 mitbewerber|konkurrenten|konkurrenz|wettbewerber|anderen|andere ~1 gegangen|
                vergeben|gegeben
        """,
        "rival": """
            anderen|andere|anderer|anderes|fremden ~1 installateur|anbieter|betrieb|firma|
                handwerker|
            fachbetrieb|unternehmen|monteur|elektriker|heizungsbauer|partner|dienstleister|
                solarteur|
            lieferanten|lieferant|angebot|kollegen
            konkurrenz|konkurrenten|wettbewerber|mitbewerber|woanders|anderweitig|anderswo|
                billiganbieter
        """,
        "void": """
            in kontakt bleiben
            bleiben in kontakt
            partnertreffen|partnertag
            mail|email mit ~2 präsentation|broschüre|katalog|unterlagen
            soweit ich ~1 weiß|weiss|gehört|höre|informiert|sehe
            fast|knapp|beinahe eine|zwei|drei stunde|stunden|woche|wochen|monat|monate|jahr|jahre
            so gut wie gewonnen|unterschrieben|sicher|durch|fix
            fast unterschrieben|gewonnen
            termin|gespräch bei|mit der|seiner|ihrer bank
            banktermin|bankgespräch
            lead|anfrage ~1 übernommen|angenommen|akzeptiert ~2 #
            soweit ok|gut|alles|klar|fertig|in ordnung
            link|links|button|buttons|knopf|schaltfläche ~3 annehmen|übernehmen|akzeptieren|
                ablehnen|nehmen
            präsentation|vorstellung|unterlagen ~3 geschickt|verschickt|gemailt|gesendet|
                zugeschickt|zugesandt|weitergeleitet
            präsentation|vorstellung|demo ~2 per|als|mail|e|email|pdf|post|brief|video
            mail|e|email|brief|pdf|unterlagen ~3 präsentation|vorstellung|demo
            bitte ~1 beachten|beachte|beachtet
            bitte zur kenntnis
            unterlagen|dokumente|pläne|plan|zeichnungen|fotos|bilder|daten|anfrage|akte|datenblatt|
                grundriss|angaben ~3 angeschaut|angesehen|durchgesehen|angeguckt|gelesen|geprüft|
                bekommen
            angeschaut|angesehen|durchgesehen|geprüft ~1 unterlagen|dokumente|pläne|zeichnungen|
                fotos|bilder|daten|anfrage
            im|in einem|einer? meeting|termin|besprechung|terminen|gespräch
            nummer|kontakt|daten ~2 verloren
            ausverkauft
            termin|besuch|besichtigung ~3 abgesagt|storniert|verschoben|verlegt
            abgesagt|storniert|verschoben ~3 termin|besuch|besichtigung
            ist|war|scheint|schien|wirkt|wirkte|zeigt|zeigte nicht? sehr|durchaus|grundsätzlich|
                wirklich|echt|total|auch|sich? interessiert
            hat|hatte|zeigt|zeigte|bekundet|bekundete kein|keinerlei? großes|starkes|echtes|
                ernsthaftes|ernstes|reges? interesse
            haus|grundstück|immobilie|wohnung|objekt|praxis|firma|betrieb|gebäude|hof|laden|
                geschäft|halle ~3 verkauft|verkaufen|verkauf
            verkauft|verkaufen ~3 haus|grundstück|immobilie|wohnung|objekt|praxis|firma|betrieb|
                gebäude|hof|laden|geschäft|halle
        """,
        "purpose": """
            interesse ~1 an|für
            wegen|zwecks|bezüglich|bzgl
            um ~1 einen|eine
            für ~1 einen|eine|ein
            möchte|möchten|will|wollen|wünscht|wünschen|gern|gerne|bittet|bat|fragt|fragte
            hätte|hätten gern|gerne
        """,
        "customer": """
            kunde|kunden|kundin|kundschaft|er|bauherr|bauherrin|bauherren|interessent|interessentin|
                eigentümer|eigentümerin|familie|herr|frau|ehepaar
        """,
        "negator": """
            nicht
            kein|keine|keinen|keinem|keiner|keines
            nie|niemals|nirgends
            niemand|niemanden
            nichts
            ohne
            weder
            noch nicht
            not
            unmöglich
        """,
        "mask": """
            ohne mwst|mehrwertsteuer|ust
            kein problem
            gar kein problem
            keine sorge|frage
            kein thema
            nicht nur
            warum nicht
            nichts dagegen
            nicht schlecht
        """,
        "conditional": """
            wenn
            falls
            sofern
            soweit
            vorausgesetzt
            je nachdem
            im falle
            sollte|sollten ~1 der|die|er|sie|es|das|wir|man|sich
            gegebenenfalls
            ansonsten
        """,
        "question": """
            kann|können|könnten|ist|sind|hat|haben|gibt|wird|würden|würde|wollen|soll|sollen|darf|
                dürfen|müssen|muss ~1 sie|ich|wir|er|es|man|du|ihr
            wer|wie|was|wo|wann|warum|wieso|weshalb|welche|welcher|welches|woher|wohin
        """,
        "hedge": """
            vielleicht|eventuell|evtl|wahrscheinlich|vermutlich|möglicherweise|voraussichtlich|
                hoffentlich|vorbehaltlich
            sieht ~2 aus
            scheint
            denke|glaube|hoffe
            fast
            könnte|dürfte
            eher
            ggf
            unter vorbehalt
        """,
        "future": """
            wird|werden|werde|wirst
            folgt|folgen|nachreichen
            morgen|übermorgen
            nächste|nächsten|kommende|kommenden
            demnächst|bald|später|zeitnah
            in kürze
            muss|müssen|müsste|müssten
            geplant|plane|planen|planung
            will|wollen|möchte|möchten
            soll|sollen
            steht ~1 aus
            ausstehend
            warten|wartet|warte ~2 auf
            fertig machen
        """,
        "past": """
            gestern|vorgestern
            bereits|schon
            letzte|letzten|vergangene|vergangenen woche|freitag|montag|dienstag|mittwoch|donnerstag
            vorhin|eben|soeben|gerade
            heute morgen|früh|vormittag
        """,
        "agenda": """
            nächster|nächste|nächsten schritt|schritte
            to do|todo|todos
        """,
        "pending": """
            vorschlagen|vorschlägt
            noch offen
            machen|macht|mache ~1 wir|ich|er|sie ~3 aus|ab
            folgt|folgen
            wird|werden ~1 noch? ~1 vereinbart|gebucht|geplant|terminiert|festgelegt|abgestimmt|
                ausgemacht|organisiert|eingeplant
            vereinbaren|buchen|planen|terminieren|ausmachen|festlegen|abstimmen|einplanen|
                organisieren
            meldet|melden sich ~3 wegen|für|zur
            noch ~1 zu vereinbaren|buchen|planen|machen|terminieren|organisieren|klären|bestätigen|
                fixieren|abzustimmen|festzulegen|auszumachen|einzuplanen
            zu vereinbaren|buchen|planen|terminieren|organisieren|bestätigen|fixieren
            abzustimmen|festzulegen|auszumachen|einzuplanen|abzusprechen
            gebucht|vereinbart|geplant|terminiert|organisiert|ausgemacht|festgelegt|fixiert|
                eingeplant|gemacht|abgestimmt werden
            steht|stehen noch aus|an
            ausstehend|offen|tbd|tba
            später|irgendwann|demnächst|nachträglich
            klärt|klären|abklären
            zu einem späteren zeitpunkt
            sobald|wenn er|sie|der|die ~3 bereit|zurück|weiß|wissen|entschieden
            wird|werden gerade|derzeit|momentan|aktuell|noch ~1 kalkuliert|erstellt|ausgearbeitet|
                gerechnet|berechnet|vorbereitet|geschrieben|fertiggestellt|erarbeitet
            in arbeit|bearbeitung|vorbereitung|erstellung|kalkulation
            sind|bin|ist gerade|noch|aktuell dabei
            arbeiten|arbeite ~2 an|am
        """,
        "waiting": """
            warten|wartet|warte ~2 auf
            erwartet|erwarten
        """,
        "regret": """
            leider|bedauerlicherweise|bedauern|schade|sorry
            tut ~2 leid
        """,
        "closing": """
            grüße|gruß|grüsse|gruss|mfg|lg|vg|viele|beste|herzliche|freundliche|mit|danke|vielen|
                schönen|bis|tschüss|ciao|sonnige
        """,
        "affirm": """
            ja|jawohl|jep|jo|klar|natürlich|selbstverständlich|sicher
        """,
        "request": """
            bitte
            kontaktieren|wenden|melden|rufen ~1 sie
            sie sollten|müssten|müssen|möchten
            sollte|sollten|müsste|müssten|muss|müssen
            nicht vergessen
        """,
        "away": """
            abwesenheitsnotiz|abwesenheitsmeldung
            automatische antwort
            nicht im büro
            außer haus
            wieder im büro
            in dringenden fällen
            bin ~3 nicht erreichbar
            nach meiner rückkehr
        """,
        "consequence": """
            also|daher|deshalb|deswegen|darum|drum|folglich|somit
        """,
        "mixup": """
            meinen sie die|den|das anfrage|lead|projekt
            welchen lead meinen sie
            welche anfrage meinen sie
            das hat|macht ~3 die filiale|niederlassung
            derselbe|dieselbe|denselben|dasselbe kunde|kunden|lead|firma|projekt wie
            meinen ~1 vermutlich|wohl|sicher|wahrscheinlich
            falscher|falsche|falschen lead|kunde|kunden|kontakt|anfrage
            verwechslung|verwechselt
            nicht unser|unsere lead|kunde|anfrage
        """,
        "temporal": """
            unter der bedingung
            vorausgesetzt
            ob
            bevor
            sobald
        """,
        "weekday": """
            montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag
        """,
        "someday": """
            den|das nächsten|nächste
            nächstes|nächsten lead|projekt|anfrage|auftrag
            künftig|künftige|künftigen|zukünftig|zukünftige|zukünftigen
            in zukunft
            nächstes mal
            beim nächsten mal
        """,
        "yet": """
            noch
        """,
        "unrelated": """
            abgesehen von den leads
            abgesehen vom lead
            unabhängig vom lead
            unabhängig von den leads
            zum lead selbst noch nichts
            zum rest später mehr
            der rest folgt
            kann ich ihnen|dir nichts sagen
        """,
        "several": """
            dafür ~3 neuigkeiten zu|vom|von
            aber ~2 gute nachrichten zu|vom
            der|die|das|den|dem andere|anderen lead|kunde|kunden|anfrage|projekt|auftrag
            zwei|beide|beiden leads|anfragen|projekte|kunden
            sammelstatus|sammelmail|sammelantwort
        """,
        "this": """
            zu|bei|wegen diesem|dem hier
            zu diesem lead|kunden|projekt
            um den es in ihrer|dieser mail geht
            den|der sie hier anfragen
        """,
        "aside": """
            beim letzten mal
            das letzte mal
            letztes mal
            zu|wegen ihrer|deiner|der anderen frage|sache
            zur anderen frage|sache
            zu ihrer|deiner zweiten frage
        """,
        "lead": """
            diesen|den lead
            diese anfrage
        """,
        "ours": """
            unser|unsere|unseres|unserem|unseren angebot|offerte|preis|kostenvoranschlag|kva|
                gebot
            mein|meine angebot|offerte|preis|kostenvoranschlag|gebot
        """,
        "earlier": """
            ursprünglich*|anfangs|zunächst|vorher|zuvor|statt|anstatt|anstelle
            erste|erstes|ersten|alte|altes|alten ~1 angebot|preis|kv
            listenpreis|anzahlung|rabatt|nachlass|skonto|förderung|zuschuss|mwst|ust
            angebot|kv|kostenvoranschlag|offerte ~1 war|lag|waren|lagen
        """,
        "final": """
            auf
            endpreis|endsumme|gesamt|insgesamt|final|finale|finalen|letztlich|letztendlich
        """,
        "greeting": """
            hallo|hi|hey|liebe|lieber|servus|moin|grüezi
        """,
        "opener": """
            hallo|hi|moin|servus|grüezi|hey|ok|okay|danke|super|prima|perfekt|gut|also|na|leider|
                tja|sorry|hervorragend|toll|klasse
            guten tag|morgen|abend
            liebe|lieber
            sehr geehrte|geehrter frau|herr|damen|team
            sehr geehrte damen und herren
            alles klar
            vielen dank
            danke schön
        """,
    },
)
