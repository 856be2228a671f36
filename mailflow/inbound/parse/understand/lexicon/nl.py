"""Dutch phrases (see ``phrases.py``). Like German, the negator often follows the verb
("we nemen hem niet")."""

from mailflow.inbound.parse.understand.lexicon import build

_OBJ = "hem|het|deze|dit|die|de|lead|klus|klant|aanvraag|opdracht|project"

LEXICON = build(
    "nl",
    negation_after=4,
    stopwords="""de het een en is we wij ik niet van voor met op te dat die deze zijn hebben
        heeft naar ook maar nog al bij klant offerte graag bedankt hoor morgen gisteren er
        wel geen""",
    phrases={
        "pick": f"""
            geef maar door @whole
            geef hem|het maar door
            da s bij ons om de hoek =0.8
            dat is bij ons om de hoek =0.8
            we take it
            we take this one
            we will take it
            count us in
            bevestigen|bevestig ~2 onze interesse
            zet ~3 op onze|mijn naam
            pakt|pakken ~1 deze|dit|hem|het ~1 op
            zeggen|zeg ~1 we|ik? geen nee tegen @neg
            stuur|stuurt|geef|geeft|mail|mailen|mailt ~1 me|mij|ons ~2 nummer|telefoonnummer|
                gegevens|
                contactgegevens =0.85
            deze|die|dit|hij is voor ons
            in behandeling ~1 nemen|genomen
            nemen|neem|nemen ~3 in behandeling
            pakken|nemen we|wij ~1 op|mee
            ja|ok|oké is? voor ons @whole
            is voor ons @whole
            springen ~3 op|erop
            is ons ~1 gebied|regio|werkgebied =0.85
            wij|we doen hem|het|die|m
            we|wij pakken ~1 hem|het|die|m
            we|wij|ik nemen|neem|pakken|pak ~2 {_OBJ}
            nemen|neem|pakken|pak we|wij|ik
            accepteren|accepteer|geaccepteerd|aanvaarden|aanvaard
            ja @solo
            ja ~1 graag|hoor|prima|zeker|we|wij|ik|dank|bedankt|doen
            graag @solo
            zeker @solo
            akkoord @solo =0.85
            doen we
            gaan we doen|voor
            we gaan ervoor
            ervoor @solo
            oppakken|oppakt =0.85
            pakken we op
            geïnteresseerd|interesse =0.85
            regelen we
            wij regelen
            komt goed =0.8
            prima @solo =0.65
            die|deze|dat|hem|het nemen|neem|pakken|pak|doen|doe we|wij|ik
            doen|nemen|pakken we ~1 graag
            wij|we|ik willen|wil ~3 graag
            graag ~2 hebben|doen|oppakken|aannemen|nemen
            is goed @solo =0.8
            aannemen|aangenomen =0.85
            gaan|gaat|ging ~1 akkoord
            wij|we|ik zijn|ben ~1 akkoord
            zijn|ben ~2 geïnteresseerd =0.85
            reken|rekenen ~1 op ons|mij
            pakken|pak|nemen|neem ~3 op
            ga|gaan ervoor|erop|ervoor
            stuur|stuurt ~1 maar ~1 door =0.85
            stuur|geef ~2 ons|mij|me ~2 contactgegevens|contact|nummer|lead =0.85
            claim|claimen|claimt
        """,
        "decline": """
            gaan wij|we niet ~1 rijden|komen
            geeft|geef die|dat|hem beter aan iemand|een
            geef|geeft hem|het|deze maar? aan een collega|andere
            geef|geeft hem|het|deze maar? door aan een collega|andere
            geef|geeft hem|het|deze maar? aan iemand anders
            lead|aanvraag ~1 teruggeven|terug
            geven|geef ~3 terug
            er ~1 niet ~1 bij hebben|nemen @neg
            laat|laten ~2 zitten|schieten|lopen =0.9
            zoek|zoekt|zoeken ~2 iemand ~1 lokaal|dichterbij|anders =0.9
            liever|beter iemand ~2 lokaal|dichterbij|buurt =0.9
            maar nee|neen @end
            laat maar @solo
            dus ~1 helaas|nee|niet @end
            zien|zie ~3 van af
            laten ~2 schieten|lopen|gaan
            afwijzen|afgewezen
            wijzen ~3 af
            nee @solo
            nee bedankt|dank|hoor
            liever niet
            niet|niks|niets voor ons
            passen|pas @solo
            we|wij|ik passen|pas
            moeten ~2 passen
            geef|geven|gun|bied|biedt ~3 ander|andere|iemand|collega
            zeggen ~3 af
            slaan|sla ~3 over
            laten|laat ~3 schieten|lopen|gaan|liggen =0.85
            kunnen|kan ~3 niet ~2 aannemen|oppakken|doen|nemen|leveren|uitvoeren
            moeten|moet ~3 afzeggen|afwijzen|weigeren|bedanken
            zonder ons
            kunnen|kan ~3 niet ~2 opvolgen|behandelen|meenemen
            laten|laat ~4 voorbij|voorbijgaan
            aan ~2 voorbij ~1 gaan
            gaat|zal ons|me|mij? niet lukken
        """,
        "reason": """
            geen particulieren
            alleen zakelijke|bedrijven|zakelijk
            al klant bij een collega|concurrent
            wij|we zijn|doen puur|alleen|enkel
            rijden|rijd|komen we|wij|ik ~1 niet ~2 naar|voor
            past ~2 niet ~1 bij ~3 capaciteit|mogelijkheden|team
            gaat ~3 boven ~3 capaciteit|mogelijkheden|macht
            wij|we doen|leveren|installeren|plaatsen|verkopen|verzorgen geen|niet
            niet ~2 gecertificeerd|erkend|geautoriseerd|dealer|leverancier|partner|installateur
            geen ~1 erkend|erkende|gecertificeerde|dealer|leverancier|partner
            zitten ~4 vol
            lukt ons niet
            te ver
            ver weg
            buiten ~3 regio|gebied|werkgebied|straal|bereik|provincie
            niet ~1 ons|onze ~1 gebied|regio|werkgebied|vak|vakgebied|specialiteit|ding|terrein|
                branche
            geen capaciteit|tijd|mensen|personeel|ruimte|monteurs|plek|tijdslot
            vol ~2 tot|gepland|geboekt
            volgeboekt|volgepland|overbelast|onderbezet|overvol|volgeladen
            zit ~2 vol
            agenda ~2 vol
            te druk
            te veel werk
            te klein|groot|complex
            alleen ~2 nieuwbouw|zakelijk|particulier|bedrijven
            doen|leveren|installeren|plaatsen we niet|geen
            geen tijd|ruimte|plek|capaciteit ~2 voor
            zitten|zit ~3 vol
            handen vol
            overloaded|overbezet|overvraagd
            niet ~1 onze|ons ~1 ding|regio|kant
            werken|installeren|bedienen|leveren ~2 alleen|uitsluitend|enkel|slechts
            alleen|uitsluitend|enkel ~1 in ~2 regio|provincie|omgeving|buurt
            doen alleen|uitsluitend|enkel
            meer dan ~1 # km|kilometer|uur
            ruim|bijna|over ~1 # km|kilometer|uur
            twee|drie|vier|vijf|# uur ~1 rijden|reizen|onderweg|rijtijd|reistijd
            met|op verlof|vakantie =0.6
        """,
        "contacted": """
            blijven|zijn in contact met
            kunnen bereiken|spreken
            gebelt
            belde|belt|heeft ~2 teruggebeld|terug
            prettig|goed|fijn|kort gesprek
            introductiemail|kennismakingsmail|presentatiemail|infomail|welkomstmail|introductie|
                kennismakings ~4 gestuurd|verstuurd|verzonden|gemaild
            eerste contact ~2 gelegd|gehad|gemaakt
            gecontacteerd
            contact ~2 gehad|opgenomen|gelegd
            gebeld|opgebeld|teruggebeld
            gesproken
            gemaild|geappt|geschreven
            bereikt
            in contact
            gesprek gehad
            aan ~1 de lijn|telefoon ~2 gehad|gesproken
            aan de lijn
            telefonisch ~2 contact|gesproken|bereikt
            belde|belden|sprak|spraken ~3 klant|hem|haar|met|vanochtend|gisteren|vandaag
            contact ~2 gezocht|geweest
            mail|bericht|appje|berichtje|email|whatsapp ~2 gestuurd|verstuurd|gestuurd
            geappt|gemaild|geschreven
        """,
        "attempt": """
            mail|sms|appje|whatsapp ~3 gestuurd|verstuurd
            gemaild|geappt
            ingesproken
            voicemail|bericht ~2 achtergelaten|ingesproken|gestuurd
            geprobeerd ~3 bellen|bereiken|contact
        """,
        "meeting": """
            in onze|de toonzaal|showroom ~3 geweest
            geschouwd|opgemeten|ingemeten
            schouw gedaan
            teams|zoom|video call|meeting|gesprek
            afspraak|meeting|bezoek|demo|presentatie|schouw ~8 heeft plaatsgevonden
            demonstratie|demo|bezoek|afspraak ~5 plaatsgevonden|gehouden
            doorgenomen|besproken|bekeken ~6 bouwplaats|locatie|woning|pand
            ter plaatse ~3 doorgenomen|besproken|bekeken|geweest
            met de klant ~8 doorgenomen|besproken|bekeken =0.85
            showroom ~4 geweest|langs|langsgekomen|langsgeweest
            bij ons ~4 geweest|langsgekomen|langsgeweest
            keukentafelgesprek|gesprek|kennismakingsgesprek|adviesgesprek ~3 gehad|gevoerd
            bij hem|haar|klant|de ~4 geweest
            afspraak|afspraken
            bezoek|bezocht|bezoeken
            langs ~2 geweest|gaan|ga|op|gegaan
            meeting|vergadering|overleg
            inmeting|opname|schouw|schouwing
            ter plaatse
            op locatie
            ontmoet|ontmoeting
            geweest ~2 bij|op
            bij de klant ~2 geweest|langs
            bekeken|opgemeten|ingemeten =0.85
            gaan|ga ~2 kijken
            demo|presentatie|videogesprek|videocall
        """,
        "proposal": """
            offerte|prijsopgave|voorstel ~10 vertrokken
            offerte|prijsopgave ~2 de deur uit
            prijsofferte ~3 gestuurd|verstuurd|verzonden|gemaild|bezorgd|overhandigd|uitgebracht
            gestuurd|verstuurd|verzonden|gemaild ~3 prijsofferte
            offerte|prijsofferte ~2 bezorgd|afgeleverd|overhandigd
            offerte|voorstel|prijsopgave ~10 gegaan|uitgegaan
            offerte|voorstel|prijsopgave ~10 de deur uit
            offerte|voorstel|prijsopgave ~14 verzonden|verstuurd|toegestuurd|gestuurd|doorgestuurd|
                overgemaakt|
                opgestuurd|gemaild|
                overhandigd|toegezonden|bezorgd|uitgebracht|ingediend =0.85
            offerte|voorstel|prijsopgave|aanbieding ~3 gestuurd|verstuurd|verzonden|gemaild|gemaakt|
                uitgebracht|ingediend|gedaan|eruit|uit|opgesteld|afgegeven|overhandigd|ligt|deur
            gestuurd|verstuurd|verzonden|gemaild|uitgebracht|ingediend|gemaakt|opgesteld ~3 offerte|
                voorstel|prijsopgave|prijs
            geoffreerd
            offerte @solo
        """,
        "won": """
            t|het is|zit binnen @end
            handtekening staat erop|eronder
            klant ~2 heeft betaald
            alles rond
            inkooporder|bestelbon|po ~3 binnen|ontvangen|binnengekomen
            factuur ~8 betaald|voldaan|binnen =0.85
            klant|opdrachtgever|ze|hij|zij is|gaat|ging akkoord @end =0.9
            opdrachtbevestiging|orderbevestiging ~3 ontvangen|binnen|getekend|retour|terug
            rond|binnen voor|op # k|€|euro|eur
            rond|binnen voor|op €
            heeft|hebben ~1 ons ~4 opdracht|order ~6 gegund|verleend|gegeven|verstrekt =0.9
            gewonnen
            getekend|ondertekend
            opdracht|order|bestelling|contract|deal ~3 binnen|ontvangen|gekregen|getekend|bevestigd|
                rond|gegund|geplaatst|definitief
            gegund
            binnengehaald
            verkocht
            offerte ~3 geaccepteerd|geaccordeerd|aanvaard|goedgekeurd|getekend|akkoord
            offerte|voorstel|aanbieding ~8 geaccepteerd|geaccordeerd|aanvaard|goedgekeurd|getekend|
                ondertekend =0.9
            aanbetaling ~2 ontvangen|betaald|binnen
            besteld
            deal @solo
            groen licht =0.85
            deal ~3 rond|gesloten|binnen
            hebben|heeft ~3 ons ~2 gekozen|gegund
            order|opdracht|bestelling ~5 geplaatst|gegeven|verstrekt|gegund
            bij ons ~3 geplaatst|besteld|getekend|gekocht
            order|opdracht|bestelling ~7 geplaatst|verstrekt|gegund
            met ons in zee ~1 gegaan|gaan|gaat =0.85
            binnen @whole
            getkend|getekent|ondertekent
            hebben|heb ~2 hem|het|m|deze|die|opdracht|klus ~1 binnen
            klant|opdrachtgever|ze|zij|hij gaat|gaan|ging|gingen|is|was|zijn ~1 akkoord ~3 offerte|
                voorstel|prijs|
                aanbieding
            klant|ze|zij|hij ~3 ja gezegd @end
            klant|ze|zij|hij ~2 zei|zeiden ja @end
        """,
        "lost": """
            gekozen voor een installateur|leverancier|concurrent|partij
            van de baan =0.9
            offerte|voorstel|prijsopgave ~12 afgewezen|afgekeurd
            voor een|de concurrent|andere gegaan|gekozen
            geen budget @neg =0.85
            sluit|sluiten ~2 af @end =0.85
            via|bij ~3 energieleverancier|leverancier|bouwmarkt|internet|webshop|concurrent|ander|
                andere ~4 afgenomen|gekocht|besteld =0.85
            daar kunnen we|wij niet tegenop @neg =0.8
            afgeschreven
            voor ons is|zijn ~2 deze|die|het|hij|dit klaar|over|afgesloten|einde =0.85
            dossier|lead|aanvraag ~2 gesloten|afgesloten =0.85
            buurman|zwager|neef|vriend|kennis|broer|oom ~5 gedaan|geplaatst|gelegd|geïnstalleerd|
                opgelost|gemaakt|gemonteerd
            naar ~2 concurrent|concurrentie|concurrenten ~1 gegaan|vertrokken|gegund
            gegaan|gegund ~1 naar|aan ~2 concurrent|concurrentie|concurrenten
            voor ~4 goedkopere|goedkoopste|andere|ander|concurrent ~2 offerte|installateur|bedrijf|
                partij|aanbieder ~1 gegaan|gekozen
            gekozen|gegaan ~1 voor ~4 goedkopere|goedkoopste|andere|concurrent
            verloren
            gekozen|gegaan|besloten ~3 ander|andere|concurrent|concurrentie|goedkoper|goedkopere
            ander bedrijf|installateur|partij =0.85
            geannuleerd|afgezegd|afgeblazen|ingetrokken
            afgewezen ~3 offerte|voorstel
            gaat niet door @neg
            niet doorgegaan @neg
            afgehaakt
            haakt af
            te duur =0.8
            afgezien
            ziet ~2 af
            gekozen|gegaan|gegund|besteld|getekend|genomen|gekocht|vergeven|kiest|koos|gaat|
                ging ~3 ander|
            andere|concurrent|concurrentie|elders|goedkoper|goedkopere|goedkoopste
            wil|willen ~2 niet meer @neg
            geen interesse meer @neg
            project|deal|klus ~2 gaat niet door @neg
            die|deze|hem|het|opdracht|klus|project|order ~3 niet binnengehaald|gekregen|gewonnen|
                binnen @neg
            niet ~2 gegund @neg
            in zee ~1 gegaan|gaan|gaat =0.6
            niet geworden @neg
            niet ~2 gekozen @neg
            voor ~2 ander|andere|concurrent ~2 gekozen
        """,
        "rival": """
            ander|andere ~1 installateur|bedrijf|partij|aanbieder|leverancier|firma|
                installatiebedrijf|
            monteur|offerte|loodgieter|installateurs|bedrijven
            concurrent|concurrenten|concurrentie|elders
            ergens anders
            goedkoper|goedkopere|goedkoopste ~1 partij|bedrijf|installateur|aanbieder|partner|
                offerte
        """,
        "void": """
            blijven in contact
            in contact blijven
            mail|email met ~2 presentatie|brochure|catalogus
            bijna een|twee uur|week|weken|maand|maanden|jaar
            nemen|neemt|neem we|wij|ik ~3 in voor
            ik|we|wij neem|nemen ~6 mee
            neem|nemen ik|we|wij ~6 mee
            zo goed als binnen|rond|getekend
            bijna binnen|rond|getekend
            eens kijken of
            we zien wel of
            afspraak|gesprek bij|met de|zijn|haar bank
            bankafspraak
            ik|we|wij neem|nemen ~3 mee
            neem|nemen ik|we|wij ~3 mee
            intern|interne overleg|beraad
            lead ~1 geaccepteerd|aangenomen|opgepakt ~2 #
            link|links|knop|knoppen ~3 accepteren|aannemen|oppakken|nemen|weigeren|afwijzen
            presentatie|demo ~3 gemaild|gestuurd|verstuurd|doorgestuurd|opgestuurd|toegestuurd
            presentatie|demo ~2 per|via|als ~1 mail|e|email|pdf|video
            mail|e|email|bericht|brief|pdf ~3 presentatie|demo
            stukken|documenten|tekeningen|foto|fotos|plannen|aanvraag|gegevens|dossier ~3 bekeken|
                doorgenomen|gelezen|bestudeerd
            bekeken|doorgenomen|gelezen ~2 stukken|documenten|tekeningen|foto|fotos|plannen|
                aanvraag|gegevens
            in ~1 een? ~1 vergadering|overleg|meeting|afspraak
            afspraak|bezoek ~3 geannuleerd|afgezegd|verzet|verplaatst|uitgesteld
            geannuleerd|afgezegd|verzet|verplaatst ~3 afspraak|bezoek
            is|was|lijkt|leek|lijken|leken|bleek|bleken niet? erg|zeer|heel|wel|echt|
                best? geïnteresseerd
            heeft|had|toont|toonde niet|geen? veel|wel|echt|duidelijk? interesse
            verkopen|verkocht|verkoopt ~3 huis|woning|pand|grond|bedrijf|loods|winkel|gebouw|
                bedrijfspand|boerderij
            huis|woning|pand|bedrijf|loods|winkel|gebouw|bedrijfspand ~3 verkocht|verkopen|te koop
        """,
        "purpose": """
            voor een
            om ~2 een
            over een|de
            wil|willen|wilt|zou|graag|vraagt|vroeg|gevraagd
        """,
        "customer": """
            klant|klanten|hij|zij|ze|meneer|mevrouw|dhr|mevr|eigenaar|eigenaren|familie|
                opdrachtgever
        """,
        "negator": """
            niet
            geen
            nooit
            niemand
            niets|niks
            zonder
            noch
            onmogelijk
        """,
        "mask": """
            zonder btw
            geen probleem
            geen punt
            niet alleen
            waarom niet
            geen zorgen
        """,
        "conditional": """
            als
            indien
            mits
            tenzij
            in geval
            mocht|mochten
            afhankelijk
        """,
        "question": """
            kunt|kun|kan|kunnen|heeft|hebt|heb|is|zijn|wilt|wil|weet|weten ~1 u|jij|je|jullie|het|
                er|ik|we
            wie|wat|waar|wanneer|hoe|waarom|welke|hoeveel
        """,
        "hedge": """
            misschien|waarschijnlijk|wellicht|mogelijk|vermoedelijk|hopelijk|eventueel
            denk|denken|verwacht|verwachten
            lijkt erop
            bijna
            zou|zouden
        """,
        "future": """
            deze|komende|volgende week|maand
            morgen|overmorgen
            volgende|komende
            binnenkort|straks|later
            zullen|zal|zult
            gaan|ga|gaat
            moet|moeten
            volgt
            wachten ~1 op
            in afwachting
            sturen we
        """,
        "past": """
            gisteren|eergisteren
            al|reeds
            vanochtend|vanmorgen
            vorige week
            zojuist
            afgelopen
        """,
        "agenda": """
            volgende stap|stappen
            te doen
            actiepunt|actiepunten|todo
        """,
        "pending": """
            volgt|volgen
            inplannen|plannen|afspreken|boeken|vastleggen|regelen
            nog ~2 te plannen|maken|boeken|regelen|bevestigen
            nog ~2 af te spreken
            in|te te? plannen|boeken|regelen|bevestigen
            vast te leggen
            af te spreken
            moet|moeten ~1 nog ~1 ingepland|gepland|gemaakt|geboekt|afgesproken|geregeld|
                vastgelegd|bevestigd
            ingepland|gepland|geboekt|afgesproken|geregeld|vastgelegd worden
            later|binnenkort|nader
            op een later moment|tijdstip
            als|zodra hij|zij|ze|de ~3 weet|weten|terug|klaar|beslist
            zijn|ben|is ~2 bezig|druk
            wordt|worden ~2 opgesteld|gemaakt|uitgewerkt|berekend|voorbereid|geschreven|afgerond
            in voorbereiding
            in de maak
        """,
        "waiting": """
            wacht|wachten|wachtend ~1 op
            in afwachting
        """,
        "regret": """
            helaas|jammer|sorry
            spijt
        """,
        "closing": """
            groet|groeten|mvg|gr|bedankt|dank|fijne|hartelijke|met
        """,
        "affirm": """
            ja|jazeker|zeker
        """,
        "request": """
            alstublieft|aub|svp|gelieve
            neem|neemt ~1 contact
            moet|moeten|zou|zouden|zal|zullen ~1 nog
            moet|moeten
        """,
        "away": """
            automatisch antwoord
            afwezigheidsbericht
            ben ~1 afwezig
            niet op kantoor
            voor dringende zaken
            weer aanwezig
            na mijn terugkeer
            bij terugkomst
        """,
        "consequence": """
            dus|daarom|daardoor|zodat|vandaar
        """,
        "mixup": """
            welke lead|aanvraag bedoel je|bedoelt u|bedoelen jullie
            dezelfde|hetzelfde klant|lead|bedrijf|project als
            bedoelt ~2 waarschijnlijk|vermoedelijk
            verkeerde lead|klant|contact|aanvraag
            vergissing|verwisseld
            niet onze lead|klant
        """,
        "temporal": """
            op voorwaarde dat
            mits
            voordat|alvorens
            zodra
        """,
        "weekday": """
            maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag
        """,
        "someday": """
            de volgende
            een volgende
            in de toekomst
            volgende keer
            toekomstige ~1 projecten|aanvragen|opdrachten
        """,
        "yet": """
            nog
        """,
        "unrelated": """
            los van de leads|lead
            over de rest later meer
            de rest volgt
            over de lead zelf nog niks|niets
        """,
        "several": """
            maar ~3 nieuws over
            wel nieuws over
            de andere lead|klant|aanvraag|zaak|opdracht
            het andere project
            twee lopende zaken|leads|aanvragen|klanten|projecten
            beide leads|aanvragen
        """,
        "this": """
            waar jullie|u ~3 naar vragen|vraagt
            wat deze betreft
            over deze hier
        """,
        "aside": """
            de vorige keer
            de laatste keer
            vorige keer
            wat betreft je|jouw|uw|de andere vraag|kwestie
            over je|jouw|uw|de andere vraag|kwestie
        """,
        "lead": """
            deze|de lead
            deze aanvraag
        """,
        "ours": """
            onze|mijn offerte|prijs|aanbieding|prijsopgave|offerteprijs
            ons voorstel|bod
        """,
        "earlier": """
            oorspronkelijk|oorspronkelijke|aanvankelijk|eerst|eerder|eerdere|vorige|oude
            in plaats van
            ipv
            aanbetaling|voorschot|korting|subsidie|btw
            offerte|voorstel ~1 was|stond
        """,
        "final": """
            naar|op|tot
            totaal|uiteindelijk|eindprijs|eindbedrag
        """,
        "greeting": """
            hoi|hallo|hey|beste|dag
        """,
        "opener": """
            hoi|hallo|hey|beste|goedemorgen|goedemiddag|goedenavond|dag|ok|oké|top|prima|bedankt|
                dank|super|mooi|helaas|nou|hee|geachte
        """,
    },
)
